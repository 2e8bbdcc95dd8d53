/**
 * A transition that changes nothing of a request but its state (its version moves on and its time is the decision's):
 * the same for every request it applies to, so a store can make it for many requests at once — one
 * `UPDATE … WHERE state IN (fromStates)` — instead of writing each request whole.
 */
export interface StateMove {
  /** The request kind and the action of its transition table. */
  kind: string;
  action: string;
  /** The states the transition table allows the action in. */
  fromStates: readonly string[];
  /** Where it leads from every one of them. */
  toState: string;
}

/**
 * The move of `action` read from a kind's transition table (the table stays the one place that says which states
 * it is legal in). Only for an action whose legal states all lead to one state; a kind declares it only for actions
 * that change nothing else (a domain test holds each declaration to that).
 */
export function stateMoveOf<S extends string>(
  kind: string,
  table: Readonly<Record<string, { from: Partial<Record<S, S>> }>>,
  action: string,
): StateMove {
  const legal = Object.entries(table[action].from) as [S, S][];
  const targets = new Set(legal.map(([, to]) => to));
  if (targets.size !== 1) throw new Error(`${kind}.${action} leads to ${targets.size} states: not one move`);
  return { kind, action, fromStates: legal.map(([from]) => from), toState: [...targets][0] };
}
