import { textsFor } from '../../../application/i18n/messages';
import { AdaptiveCard } from '../cards/cardTypes';
import { adaptiveCard, executeAction } from '../cards/cardElements';
import { assignMenu, isAssignable, pointerTo, SessionCardView, sessionCardBody, sessionCardRefresh, sessionStateActions } from './sessionCardParts';

/**
 * The card of a session request in its queue channel, read by everyone there: no portal link, no Teams join
 * link, and no Reopen (a reopen makes a new link, which may only appear on the agent's own card).
 */
export function sessionQueueCard(view: SessionCardView): AdaptiveCard {
  const { request } = view;
  const language = view.language ?? 'en';
  const actions: unknown[] = [...sessionStateActions(request, language)];
  // The card is shared by the whole channel, so it cannot offer "Take it" to everyone but the assignee: it offers it
  // (first) only while nobody has the request; once someone has it, the facts name them and "Assign…" hands it on.
  if (isAssignable(request)) {
    if (request.assignee === null) actions.unshift(executeAction(textsFor(language).t('session.action.takeIt'), 'session.assign', { ...pointerTo(request), assignTo: 'me' }, 'takeIt'));
    else actions.push(assignMenu(view));
  }
  return adaptiveCard(sessionCardBody(view), actions, { refresh: sessionCardRefresh(request, language) });
}
