import { DoormanError } from '../../domain/errors';
import { Actor, Person } from '../../domain/people';
import { mayWorkSessions } from '../../domain/policy';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** Teams shows at most 15 choices of a dynamic search. */
const MAX_RESULTS = 15;

/**
 * The agents whose name (or object id) contains `text`, by name, at most `count` (≤ 15): what Assign… offers as
 * the agent types. Only agents may search agents.
 */
export async function searchAgents(deps: Pick<UseCaseDeps, 'directory'>, actor: Actor, text: string, count: number): Promise<Person[]> {
  if (!mayWorkSessions(actor)) throw new DoormanError('AUTH.NOT_PERMITTED', 'search agents');
  const wanted = text.trim().toLowerCase();
  const limit = Math.max(1, Math.min(MAX_RESULTS, Number.isFinite(count) ? Math.floor(count) : MAX_RESULTS));
  const matches: Person[] = [];
  for (const agent of await deps.directory.listAgents()) {
    if (agent.name.toLowerCase().includes(wanted) || agent.aadObjectId.toLowerCase() === wanted) matches.push(agent);
    if (matches.length >= limit) break;
  }
  return matches;
}
