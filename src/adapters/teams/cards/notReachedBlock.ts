import { Texts, textsFor } from '../../../application/i18n/messages';
import { NotReached, StoredRequest } from '../../../application/ports';
import { Language } from '../../../domain/language';
import { problemNotice } from './cardElements';
import { CardElement } from './cardTypes';
import { escapeMarkdown } from './escapeMarkdown';

/**
 * Never silent: what a support team needs to know about messages Doorman gave up on, one line each — who or what was
 * not reached, and what to do. Null when nothing was given up.
 */
export function notReachedBlock(kind: StoredRequest['kind'], notReached: readonly NotReached[] | undefined, language: Language = 'en'): CardElement | null {
  if (!notReached || notReached.length === 0) return null;
  const texts = textsFor(language);
  const lines = [...new Set(notReached.map((failure) => notReachedLine(kind, failure, texts)))];
  return problemNotice(lines.join('\n\n'), 'notReached', { weight: 'bolder', spacing: 'small' });
}

function notReachedLine(kind: StoredRequest['kind'], failure: NotReached, texts: Texts): string {
  const askAdmin = texts.t('notReached.askAdmin');
  const withAdmin = (text: string): string => `${text} ${askAdmin}`;
  switch (failure.type) {
    case 'card.post':
    case 'chat.notify':
      if (failure.target.kind !== 'person') {
        return withAdmin(texts.t(kind === 'lockbox' ? 'notReached.approversCard' : 'notReached.queueCard'));
      }
      return personLine(failure, texts);
    case 'thread.mention':
      return withAdmin(texts.t(kind === 'assist' ? 'notReached.assistMention' : 'notReached.queueMention'));
    case 'mail.send':
      return withAdmin(texts.t(kind === 'lockbox' ? 'notReached.approversMail' : 'notReached.invitationMail'));
    case 'webhook':
      return withAdmin(texts.t('notReached.webhook'));
    case 'activity.notify': {
      const who = failure.name === null ? texts.t('notReached.someone') : escapeMarkdown(failure.name);
      const why = failure.code === 'GRAPH.FORBIDDEN' ? texts.t('notReached.noActivityForbidden') : '';
      return `${texts.t('notReached.noActivity', { who })}${why}. ${askAdmin}`;
    }
  }
}

/** A person not reached in Teams: why and what fixes it, and whether a mail told them instead. */
function personLine(failure: NotReached, texts: Texts): string {
  const who = failure.name === null ? texts.t('notReached.someone') : escapeMarkdown(failure.name);
  const why = reachWhy(failure, texts);
  const askAdmin = texts.t('notReached.askAdmin');
  if (failure.fallback === 'mail') return `${texts.t('notReached.byMail', { who })} ${why ?? askAdmin}`;
  if (why !== null) return `${texts.t('notReached.notTold', { who })} ${why}`;
  return `${texts.t('notReached.notDelivered', { who })} ${askAdmin}`;
}

/** Why Doorman could not open a chat with a person, and the fix; null for other failures. */
function reachWhy(failure: NotReached, texts: Texts): string | null {
  const askAdmin = texts.t('notReached.askAdmin');
  switch (failure.code) {
    case 'GRAPH.FORBIDDEN': {
      // The detail names the permission to grant (never a token or a body): the admin's fix, as doctor says it.
      const grant = failure.detail?.replace(/\s*\[HTTP [^\]]*\]\s*$/, '') ?? null;
      return `${texts.t('notReached.forbidden')}${grant ? ` ${escapeMarkdown(grant)}` : ''} ${askAdmin}`;
    }
    case 'REACH.NO_APP_ID':
      return texts.t('notReached.noAppId');
    case 'REACH.FAILED':
      return `${texts.t('notReached.installFailed')} ${askAdmin}`;
    default:
      return null;
  }
}
