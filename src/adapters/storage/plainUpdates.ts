import { Change } from '../../application/ports';
import { StateMove } from '../../domain/stateMoves';

/**
 * The changes a store's commitAll may write together, set by set: updates that move their version on, of a request
 * no earlier change of the batch touches, without card activities or a replaced link (those go one by one).
 */
export function plainUpdates(changes: readonly Change[]): number[] {
  const seen = new Set<string>();
  const plain: number[] = [];
  changes.forEach((change, index) => {
    const id = change.request.id;
    const isPlain =
      change.expectedVersion !== null &&
      change.request.version > change.expectedVersion &&
      (change.cardActivities ?? []).length === 0 &&
      !change.replacedLinkHash &&
      !seen.has(id);
    seen.add(id);
    if (isPlain) plain.push(index);
  });
  return plain;
}

/** Plain updates split: those that are a state move (grouped by move, each group one UPDATE), and the rest. */
export function movesAndPlainUpdates(changes: readonly Change[]): { moves: { move: StateMove; indexes: number[] }[]; plain: number[] } {
  const moves = new Map<string, { move: StateMove; indexes: number[] }>();
  const plain: number[] = [];
  for (const index of plainUpdates(changes)) {
    const { move, request, expectedVersion } = changes[index];
    if (move && move.kind === request.kind && request.state === move.toState && request.version === (expectedVersion ?? 0) + 1) {
      const key = `${move.kind}.${move.action}`;
      const group = moves.get(key) ?? { move, indexes: [] };
      group.indexes.push(index);
      moves.set(key, group);
    } else {
      plain.push(index);
    }
  }
  return { moves: [...moves.values()], plain };
}
