import { DecisionContext } from '../../domain/audit';
import { DoormanError, isDoormanError } from '../../domain/errors';
import { Language } from '../../domain/language';
import { oneLine } from '../../domain/shownText';
import { SessionCommand, SessionRequest, SessionState, decideSession, isPastDeadline, startsLater } from '../../domain/session';
import { expireSession } from './actOnSession';
import { meetingWork } from './createSessionRequest';
import { commitRequest } from '../shared/requestCommit';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** What the customer's page shows; only the bound browser learns the name, tag and where to join. */
export interface PortalState {
  state: SessionState;
  boundToYou: boolean;
  inUse: boolean;
  /** This browser was bound until the agent used Switch device: it is told why it was let go, nothing more. */
  released: boolean;
  name: string | null;
  /**
   * The name the agent typed for the customer, to prefill the name field (the customer may change it). Only while
   * the request is open and no browser is bound: the invitation that carried the link already names the recipient.
   */
  suggestedName: string | null;
  tag: string | null;
  scheduledFor: string | null;
  startsLater: boolean;
  expiresAt: string;
  closedReason: string | null;
  /** Null: the customer's browser decides (Accept-Language). */
  language: Language | null;
  join: { url: string; isTeamsMeeting: boolean; joinAs: string; label: string } | null;
  preparing: boolean;
}

/** The request behind a link, as the customer's browser sees it. */
export interface PortalVisit {
  request: SessionRequest;
  view: PortalState;
}

const MAX_CUSTOMER_NAME = 80;

/** Finds the request behind a one-time code (hashed first, so lookups leak nothing through timing), or says why not. */
export async function findByCode(deps: UseCaseDeps, code: string): Promise<SessionRequest> {
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(code)) throw new DoormanError('REQUEST.NOT_FOUND');
  const hash = deps.secrets.hash(code);
  const request = await deps.requests.findSessionByLinkHash(hash);
  if (request) return request;
  // A reopened request has a new link; its old one says so rather than "not found".
  throw new DoormanError((await deps.requests.findReplacedLink(hash)) ? 'LINK.REPLACED' : 'REQUEST.NOT_FOUND');
}

/** True when the browser's cookie secret is the one bound to the request. */
export function isBoundBrowser(deps: UseCaseDeps, request: SessionRequest, cookieSecret: string | null): boolean {
  if (!cookieSecret || !request.bindingHash) return false;
  return deps.secrets.sameHash(deps.secrets.hash(cookieSecret), request.bindingHash);
}

/** True when the browser's cookie secret is the binding that Switch device released. */
function isReleasedBrowser(deps: UseCaseDeps, request: SessionRequest, cookieSecret: string | null): boolean {
  if (!cookieSecret || !request.releasedBindingHash) return false;
  return deps.secrets.sameHash(deps.secrets.hash(cookieSecret), request.releasedBindingHash);
}

/** Reads the portal state without changing anything (GET never changes state: link scanners fetch links). */
export async function visitPortal(deps: UseCaseDeps, code: string, cookieSecret: string | null): Promise<PortalVisit> {
  const request = await findByCode(deps, code);
  return { request, view: portalState(deps, request, code, cookieSecret) };
}

/** The local meeting room (local mode): only the bound browser of a connected customer enters; anyone else is refused. */
export async function enterLocalRoom(
  deps: UseCaseDeps,
  code: string,
  cookieSecret: string | null,
): Promise<{ language: Language | null; name: string; tag: string }> {
  const visit = await visitPortal(deps, code, cookieSecret);
  if (!visit.view.boundToYou) throw new DoormanError('LINK.IN_USE');
  if (visit.view.state !== 'connected' || visit.request.customerName === null) throw new DoormanError('LINK.CLOSED');
  return { language: visit.request.language, name: visit.request.customerName, tag: visit.request.tag };
}

/** The page state now, re-read for a live stream; null when the request is gone or not a session. */
export async function currentPortalState(deps: UseCaseDeps, requestId: string, code: string, cookieSecret: string | null): Promise<PortalState | null> {
  const request = await deps.requests.getRequest(requestId);
  return request && request.kind === 'session' ? portalState(deps, request, code, cookieSecret) : null;
}

/** Builds the page state; past the deadline a pending request already reads as expired. */
export function portalState(
  deps: UseCaseDeps,
  request: SessionRequest,
  code: string,
  cookieSecret: string | null,
): PortalState {
  const now = deps.clock.now();
  const bound = isBoundBrowser(deps, request, cookieSecret);
  const state: SessionState = isPastDeadline(request, now) ? 'expired' : request.state;
  const live = ['waiting', 'ready', 'connected'].includes(state);
  const joinAs = `${request.customerName ?? ''} (${request.tag})`;
  const meetingReady = request.meeting?.status === 'ready';
  let join: PortalState['join'] = null;
  if (bound && state === 'connected' && meetingReady) {
    join =
      request.meeting?.provider === 'teams' && request.meeting.joinUrl
        ? { url: request.meeting.joinUrl, isTeamsMeeting: true, joinAs, label: 'teams' }
        : { url: `/j/${code}/room`, isTeamsMeeting: false, joinAs, label: 'local' };
  }
  return {
    state,
    boundToYou: bound,
    inUse: !bound && request.bindingHash !== null && live,
    released: !bound && ['open', 'waiting', 'ready', 'connected'].includes(state) && isReleasedBrowser(deps, request, cookieSecret),
    name: bound ? request.customerName : null,
    suggestedName: state === 'open' && request.bindingHash === null && request.recipient.name.trim() !== '' ? request.recipient.name : null,
    tag: bound ? request.tag : null,
    scheduledFor: request.scheduledFor?.toISOString() ?? null,
    startsLater: startsLater(request, now),
    expiresAt: request.expiresAt.toISOString(),
    closedReason: state === 'closed' ? request.closedReason : null,
    language: request.language,
    join,
    preparing: bound && state === 'connected' && !meetingReady,
  };
}

/** The customer enters a name: the request moves to `waiting` and this browser is bound to it by a cookie secret. */
export async function customerArrives(
  deps: UseCaseDeps,
  code: string,
  cookieSecret: string | null,
  name: unknown,
): Promise<PortalVisit & { bindingSecret: string | null }> {
  // Cleaned at intake (nothing invisible, one line), so every place that shows the name starts from clean text.
  const customerName = typeof name === 'string' ? oneLine(name) : '';
  if (customerName === '' || [...customerName].length > MAX_CUSTOMER_NAME) {
    throw new DoormanError('INPUT.INVALID', 'customer name', [{ field: 'name', problem: customerName === '' ? 'required' : 'invalid' }]);
  }
  const request = await findByCode(deps, code);
  if (request.state === 'closed') throw new DoormanError('LINK.CLOSED');
  if (request.state === 'expired') throw new DoormanError('LINK.EXPIRED');
  if (isBoundBrowser(deps, request, cookieSecret)) {
    return { request, view: portalState(deps, request, code, cookieSecret), bindingSecret: null };
  }
  if (request.bindingHash !== null) throw new DoormanError('LINK.IN_USE');
  const binding = deps.secrets.newBindingSecret();
  const after = await decideAsCustomer(deps, request, { action: 'arrive', customerName, bindingHash: binding.hash });
  return { request: after, view: portalState(deps, after, code, binding.secret), bindingSecret: binding.secret };
}

/** The customer grants access (→ `ready`, the agent may admit) or refuses (→ `closed`). */
export async function customerConsents(
  deps: UseCaseDeps,
  code: string,
  cookieSecret: string | null,
  allow: unknown,
): Promise<PortalVisit> {
  if (typeof allow !== 'boolean') {
    throw new DoormanError('INPUT.INVALID', 'allow must be true or false', [{ field: 'allow', problem: 'invalid' }]);
  }
  const request = await boundRequest(deps, code, cookieSecret);
  const after = await decideAsCustomer(deps, request, { action: allow ? 'allow' : 'refuse' });
  return { request: after, view: portalState(deps, after, code, cookieSecret) };
}

/** The customer leaves; the same link cannot bring them back. */
export async function customerLeaves(deps: UseCaseDeps, code: string, cookieSecret: string | null): Promise<PortalVisit> {
  const request = await boundRequest(deps, code, cookieSecret);
  const after = await decideAsCustomer(deps, request, { action: 'leave' });
  return { request: after, view: portalState(deps, after, code, cookieSecret) };
}

async function boundRequest(deps: UseCaseDeps, code: string, cookieSecret: string | null): Promise<SessionRequest> {
  const request = await findByCode(deps, code);
  if (!isBoundBrowser(deps, request, cookieSecret)) {
    throw new DoormanError(request.bindingHash === null ? 'REQUEST.ILLEGAL_TRANSITION' : 'LINK.IN_USE');
  }
  return request;
}

async function decideAsCustomer(deps: UseCaseDeps, request: SessionRequest, command: SessionCommand): Promise<SessionRequest> {
  const now = deps.clock.now();
  if (isPastDeadline(request, now)) {
    await expireSession(deps, request);
    throw new DoormanError('LINK.EXPIRED');
  }
  if (request.state === 'closed') throw new DoormanError('LINK.CLOSED');
  if (request.state === 'expired') throw new DoormanError('LINK.EXPIRED');
  const context: DecisionContext = { actor: { type: 'customer' }, now, source: 'portal' };
  const { request: decided, event } = decideSession(request, command, context);
  const outbox = command.action === 'allow' ? meetingWork(deps, decided) : [];
  try {
    await commitRequest(deps, request, decided, [event], { outbox });
  } catch (error) {
    // Another click of the same customer (or the agent) got there first: the page simply shows the new state.
    if (isDoormanError(error, 'REQUEST.STALE_VERSION')) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION');
    throw error;
  }
  return decided;
}
