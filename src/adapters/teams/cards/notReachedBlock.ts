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
      return `${failure.name === null ? 'Someone' : escapeMarkdown(failure.name)} was not told about this request: Doorman could not deliver to their chat. ${ASK_ADMIN}`;
    case 'thread.mention':
      return kind === 'assist'
        ? `The agents were not @mentioned: the reply in the assistance thread could not be posted. ${ASK_ADMIN}`
        : `The channel was not told about the customer: the reply in the queue thread could not be posted. ${ASK_ADMIN}`;
    case 'mail.send':
      return kind === 'lockbox' ? `The approvers' mail could not be sent. ${ASK_ADMIN}` : `The invitation mail could not be sent. ${ASK_ADMIN}`;
    case 'webhook':
      return `The system that asked was not told of a change: a webhook could not be delivered. ${ASK_ADMIN}`;
  }
}
