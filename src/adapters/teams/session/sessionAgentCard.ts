import { textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';
import { SessionRequest } from '../../../domain/session';
import { AdaptiveCard } from '../cards/cardTypes';
import { adaptiveCard, executeAction, openUrlAction } from '../cards/cardElements';
import { assignMenu, isAssignable, pointerTo, SessionCardView, sessionCardBody, sessionCardRefresh, sessionStateActions } from './sessionCardParts';

/**
 * The agent's own card of a session request: state, verification tag and decisions, the Teams join link when
 * the meeting is ready, Assign… and Reopen. Never the one-time portal link (see sessionInvitationCard).
 */
export function sessionAgentCard(view: SessionCardView): AdaptiveCard {
  const { request } = view;
  const language = view.language ?? 'en';
  const actions: unknown[] = [...sessionStateActions(request, language)];
  if (isAssignable(request)) actions.push(assignMenu(view));
  if (request.state === 'closed' || request.state === 'expired') {
    actions.push(executeAction(textsFor(language).t('session.action.reopen'), 'session.reopen', pointerTo(request), 'reopen'));
  }
  return adaptiveCard(sessionCardBody(view, joinMeeting(request, language)), actions, { refresh: sessionCardRefresh(request, language) });
}

function joinMeeting(request: SessionRequest, language: Language): unknown[] {
  const meeting = request.meeting;
  // The Teams join link works for whoever holds it, so only the agent's own card carries it (DESIGN.md §4).
  // It sits with the meeting status rather than in the button row, which Admit, Deny and the rest fill.
  if (
    meeting?.provider !== 'teams' ||
    meeting.status !== 'ready' ||
    !meeting.joinUrl ||
    (request.state !== 'ready' && request.state !== 'connected')
  ) {
    return [];
  }
  const style = request.state === 'connected' ? 'positive' : undefined;
  return [openUrlAction(textsFor(language).t('session.action.joinMeeting'), meeting.joinUrl, 'joinMeeting', style)];
}
