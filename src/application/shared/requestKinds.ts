import { assistDeadlines } from '../../domain/assist';
import { AuditEvent } from '../../domain/audit';
import { invitationDeadlines } from '../../domain/invitation';
import { lockboxDeadlines } from '../../domain/lockbox';
import { sessionDeadlines } from '../../domain/session';
import { assistEffects } from '../assist/assistEffects';
import { invitationEffects } from '../invitation/invitationEffects';
import { lockboxEffects } from '../lockbox/lockboxEffects';
import { OutboxMessage, StoredRequest } from '../ports';
import { sessionEffects } from '../session/sessionEffects';
import { UseCaseDeps } from './useCaseDeps';

/** What the one commit path asks of a request kind: its deadlines now, and the work a transition causes. */
export interface KindCommitRules<R extends StoredRequest> {
  deadlines(request: R): { kind: string; dueAt: Date }[];
  effects(deps: Pick<UseCaseDeps, 'settings'>, before: R | null, after: R, events: readonly AuditEvent[]): OutboxMessage[];
}

type CommitRulesTable = { [K in StoredRequest['kind']]: KindCommitRules<Extract<StoredRequest, { kind: K }>> };

/** One line per request kind; a kind missing here does not compile. */
const COMMIT_RULES: CommitRulesTable = {
  session: { deadlines: sessionDeadlines, effects: (_deps, before, after, events) => sessionEffects(before, after, events) },
  lockbox: { deadlines: lockboxDeadlines, effects: lockboxEffects },
  assist: { deadlines: assistDeadlines, effects: assistEffects },
  invitation: { deadlines: invitationDeadlines, effects: invitationEffects },
};

/** The commit rules of `request`'s kind. */
export function commitRulesOf<R extends StoredRequest>(request: R): KindCommitRules<R> {
  return COMMIT_RULES[request.kind] as unknown as KindCommitRules<R>;
}
