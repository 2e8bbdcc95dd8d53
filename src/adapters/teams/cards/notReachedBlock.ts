import { NotReached, StoredRequest } from '../../../application/ports';
import { problemNotice } from './cardElements';
import { CardElement } from './cardTypes';
import { escapeMarkdown } from './escapeMarkdown';

const ASK_ADMIN = 'An admin should run doctor.';

/**
 * Never silent: what a support team needs to know about messages Doorman gave up on, one line each — who or what was
 * not reached, and what to do. Null when nothing was given up.
 */
export function notReachedBlock(kind: StoredRequest['kind'], notReached: readonly NotReached[] | undefined): CardElement | null {
  if (!notReached || notReached.length === 0) return null;
  const lines = [...new Set(notReached.map((failure) => notReachedLine(kind, failure)))];
  return problemNotice(lines.join('\n\n'), 'notReached', { weight: 'bolder', spacing: 'small' });
}

function notReachedLine(kind: StoredRequest['kind'], failure: NotReached): string {
  switch (failure.type) {
    case 'card.post':
    case 'chat.notify':
      if (failure.target.kind !== 'person') {
        return kind === 'lockbox'
          ? `The approvers' channel card could not be posted, so approvers may not know of this request. ${ASK_ADMIN}`
          : `The queue card could not be posted to the channel, so the team may not see this request. ${ASK_ADMIN}`;
      }
      return personLine(failure);
    case 'thread.mention':
      return kind === 'assist'
        ? `The agents were not @mentioned: the reply in the assistance thread could not be posted. ${ASK_ADMIN}`
        : `The channel was not told about the customer: the reply in the queue thread could not be posted. ${ASK_ADMIN}`;
    case 'mail.send':
      return kind === 'lockbox' ? `The approvers' mail could not be sent. ${ASK_ADMIN}` : `The invitation mail could not be sent. ${ASK_ADMIN}`;
    case 'webhook':
      return `The system that asked was not told of a change: a webhook could not be delivered. ${ASK_ADMIN}`;
    case 'activity.notify':
      return `${failure.name === null ? 'Someone' : escapeMarkdown(failure.name)} got no Teams activity notification about this request${failure.code === 'GRAPH.FORBIDDEN' ? ': Doorman lacks the Graph permission TeamsActivity.Send' : ''}. ${ASK_ADMIN}`;
  }
}

/** A person not reached in Teams: why and what fixes it, and whether a mail told them instead. */
function personLine(failure: NotReached): string {
  const who = failure.name === null ? 'Someone' : escapeMarkdown(failure.name);
  const why = reachWhy(failure);
  if (failure.fallback === 'mail') return `${who} could not be reached in Teams, so they were told by mail. ${why ?? ASK_ADMIN}`;
  if (why !== null) return `${who} was not told about this request. ${why}`;
  return `${who} was not told about this request: Doorman could not deliver to their chat. ${ASK_ADMIN}`;
}

/** Why Doorman could not open a chat with a person, and the fix; null for other failures. */
function reachWhy(failure: NotReached): string | null {
  switch (failure.code) {
    case 'GRAPH.FORBIDDEN': {
      // The detail names the permission to grant (never a token or a body): the admin's fix, as doctor says it.
      const grant = failure.detail?.replace(/\s*\[HTTP [^\]]*\]\s*$/, '') ?? null;
      return `Doorman is not allowed to do what reaching them needs.${grant ? ` ${escapeMarkdown(grant)}` : ''} ${ASK_ADMIN}`;
    }
    case 'REACH.NO_APP_ID':
      return 'Doorman cannot install itself for them: TEAMS_APP_ID (the app id in the organization\'s app catalog) is not configured. An admin sets it, or they open Doorman in Teams once.';
    case 'REACH.FAILED':
      return `Doorman could not install itself for them or open a chat with them. Ask them to open Doorman in Teams once. ${ASK_ADMIN}`;
    default:
      return null;
  }
}
