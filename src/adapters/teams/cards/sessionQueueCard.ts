import { AdaptiveCard } from './cardTypes';
import { adaptiveCard, executeAction } from './cardElements';
import { isAssignable, pointerTo, SessionCardView, sessionCardBody, sessionCardRefresh, sessionStateActions } from './sessionCardParts';

/**
 * The card of a session request in its queue channel, read by everyone there: no portal link, no Teams join
 * link, and no Reopen (a reopen makes a new link, which may only appear on the agent's own card).
 */
export function sessionQueueCard(view: SessionCardView): AdaptiveCard {
  const { request } = view;
  const actions: unknown[] = [...sessionStateActions(request)];
  // A shared card does not know who is looking at it, so "Take it" stays on offer while the request is live;
  // it comes first while nobody has the request.
  if (isAssignable(request)) {
    const takeIt = executeAction('Take it', 'session.assign', { ...pointerTo(request), assignTo: 'me' }, 'takeIt');
    if (request.assignee === null) actions.unshift(takeIt);
    else actions.push(takeIt);
  }
  return adaptiveCard(sessionCardBody(view), actions, { refresh: sessionCardRefresh(request) });
}
