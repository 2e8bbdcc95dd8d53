import { DoormanError } from '../../domain/errors';
import { decidedErasure, finishedErasure } from '../../domain/erasure';
import { Actor, Source, actorId } from '../../domain/people';
import { mayOverseeAll } from '../../domain/policy';
import { Erasure, ErasureRequest, PersonKey } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { ApiCaller } from './apiAccess';

/** What the admin's confirmation card shows of one erasure of a person. */
export interface ErasureView {
  erasureId: string;
  version: number;
  state: ErasureRequest['state'];
  /** The object id or address the admin typed: shown while the erasure waits for Confirm, forgotten afterwards. */
  subject: string | null;
  pseudonym: string;
  /** Pending: the requests that would be erased; done: the requests erased. */
  requestCount: number;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const OBJECT_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** Whom an admin names: an e-mail address is a customer of sessions; anything else must be a Teams user's object id. */
export function personKeyOf(text: string): PersonKey {
  const typed = text.trim();
  if (EMAIL.test(typed)) return { email: typed.toLowerCase() };
  if (OBJECT_ID.test(typed)) return { objectId: typed };
  throw new DoormanError('INPUT.INVALID', 'erasure subject', [{ field: 'person', problem: 'notAnObjectIdOrEmail' }]);
}

/** A fresh pseudonym ("Person 3F2A9C"): random, so nothing leads back from it to the person. */
export function newPseudonym(deps: UseCaseDeps): string {
  return `Person ${deps.secrets.hash(deps.secrets.newRequestId()).slice(0, 6).toUpperCase()}`;
}

/** `erase <object id or e-mail>`: an admin asks; the card shows how many requests it would erase, and Confirm / Cancel. */
export async function askToErasePerson(deps: UseCaseDeps, actor: Actor, typed: string): Promise<ErasureView> {
  if (!mayOverseeAll(actor)) throw new DoormanError('AUTH.NOT_PERMITTED', 'erase');
  const subject = personKeyOf(typed);
  const erasure: ErasureRequest = {
    id: deps.secrets.newRequestId(),
    subject,
    pseudonym: newPseudonym(deps),
    state: 'pending',
    version: 1,
    requestedBy: actorId(actor),
    requestedAt: deps.clock.now(),
    decidedBy: null,
    decidedAt: null,
    erasedRequests: null,
  };
  await deps.requests.saveErasureRequest(erasure);
  return viewOf(erasure, (await deps.requests.requestIdsOfPerson(subject)).length);
}

/**
 * Confirm or Cancel on the card: compare-and-set on the erasure's version, so a double click (or a second instance)
 * erases once; whoever loses gets the erasure as it now stands.
 */
export async function decideErasure(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: { erasureId: string; version: number },
  decision: 'confirm' | 'cancel',
  source: Source,
): Promise<ErasureView> {
  if (!mayOverseeAll(actor)) throw new DoormanError('AUTH.NOT_PERMITTED', 'erase');
  const erasure = await deps.requests.getErasureRequest(pointer.erasureId);
  if (!erasure) throw new DoormanError('REQUEST.NOT_FOUND', pointer.erasureId);
  if (erasure.state !== 'pending' || erasure.version !== pointer.version) return currentView(deps, erasure);
  const decided = decidedErasure(erasure, decision, actorId(actor), deps.clock.now());
  if (!(await deps.requests.updateErasureRequest(decided, erasure.version))) {
    return currentView(deps, (await deps.requests.getErasureRequest(erasure.id)) ?? erasure);
  }
  if (decision === 'cancel') return viewOf(decided, 0);
  return viewOf(await finishErasure(deps, decided, source), 0);
}

/** `POST /api/v1/erasures {person}`: the call is the confirmation; the system must act for anyone. */
export async function erasePersonForSystem(deps: UseCaseDeps, caller: ApiCaller, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!mayOverseeAll(caller.actor, caller.scope.everyone)) throw new DoormanError('AUTH.NOT_PERMITTED', 'erase');
  const subject = personKeyOf(typeof body.person === 'string' ? body.person : '');
  const now = deps.clock.now();
  const confirmed: ErasureRequest = {
    id: deps.secrets.newRequestId(),
    subject,
    pseudonym: newPseudonym(deps),
    state: 'confirmed',
    version: 1,
    requestedBy: actorId(caller.actor),
    requestedAt: now,
    decidedBy: actorId(caller.actor),
    decidedAt: now,
    erasedRequests: null,
  };
  await deps.requests.saveErasureRequest(confirmed);
  const done = await finishErasure(deps, confirmed, 'api');
  return { erasureId: done.id, pseudonym: done.pseudonym, erasedRequests: done.erasedRequests };
}

/**
 * Erases every request of a confirmed erasure's person, each with its own audit event, then forgets who it was. An
 * instance that stops half-way leaves it `confirmed`; retention's next run finishes it (erasing is idempotent).
 */
export async function finishErasure(deps: UseCaseDeps, erasure: ErasureRequest, source: Source): Promise<ErasureRequest> {
  const by = erasure.decidedBy ?? erasure.requestedBy;
  const record: Erasure = {
    pseudonym: erasure.pseudonym,
    actorId: by,
    actorType: by.startsWith('service:') ? 'service' : 'person',
    source,
    at: deps.clock.now(),
    reason: 'an admin erased this person’s personal data',
  };
  let erased = 0;
  for (const requestId of erasure.subject ? await deps.requests.requestIdsOfPerson(erasure.subject) : []) {
    if (await deps.requests.erasePersonalData(requestId, record)) erased += 1;
  }
  const done = finishedErasure(erasure, erased);
  if (!(await deps.requests.updateErasureRequest(done, erasure.version))) {
    return (await deps.requests.getErasureRequest(erasure.id)) ?? done;
  }
  deps.logger.info({ erasureId: erasure.id, erasedRequests: erased }, 'personal data erased');
  deps.wakeDispatcher();
  return done;
}

async function currentView(deps: UseCaseDeps, erasure: ErasureRequest): Promise<ErasureView> {
  const pending = erasure.state === 'pending' && erasure.subject !== null;
  return viewOf(erasure, pending ? (await deps.requests.requestIdsOfPerson(erasure.subject!)).length : 0);
}

function viewOf(erasure: ErasureRequest, found: number): ErasureView {
  const subject = erasure.state === 'pending' && erasure.subject ? ('objectId' in erasure.subject ? erasure.subject.objectId : erasure.subject.email) : null;
  return {
    erasureId: erasure.id,
    version: erasure.version,
    state: erasure.state,
    subject,
    pseudonym: erasure.pseudonym,
    requestCount: erasure.state === 'pending' ? found : (erasure.erasedRequests ?? 0),
  };
}
