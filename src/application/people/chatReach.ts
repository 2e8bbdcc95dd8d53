import { Problem, isDoormanError } from '../../domain/errors';
import { languageOfPerson } from './personLanguage';
import { noticeMail } from '../i18n/noticeMail';
import { AppInstaller, ChatNotice, ChatOpener, OutgoingMail, PersonUnreachableError, StoredRequest } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { canReachInChat, rememberPersonalChat } from './personalChats';

/** Why a chat could not be opened when the install or open step outlasted its retries. */
export const REACH_FAILED = 'REACH.FAILED';

/**
 * An opening that has not finished by then is taken as failed: its steps give up after about 18 minutes of retries,
 * so only a lost record (a crash between giving up and saying so) or endless throttling lasts this long. Waiting
 * messages never wait forever.
 */
export const OPENING_GIVEN_UP_AFTER_MS = 2 * 3600_000;

/** Whether a card or notice for a person can go out now. */
export type ChatReadiness = { kind: 'ready' } | { kind: 'opening' } | { kind: 'unreachable'; problem: Problem };

/**
 * Where a message for a person stands: their chat is known (deliver), a chat is being opened for them (wait), or it
 * cannot be (fall back, or give up and say why). A message written after the last failure tries again: the admin may
 * have fixed what stopped it. Starting to open a chat queues the install step in the same transaction.
 */
export async function chatReadiness(deps: UseCaseDeps, aadObjectId: string, writtenAt: Date): Promise<ChatReadiness> {
  if (await canReachInChat(deps, aadObjectId)) return { kind: 'ready' };
  const reach = await deps.conversations.chatReachOf(aadObjectId);
  const now = deps.clock.now();
  if (reach?.status === 'opening' && now.getTime() - reach.since.getTime() < OPENING_GIVEN_UP_AFTER_MS) return { kind: 'opening' };
  if (reach?.status === 'opening') {
    const problem = { code: REACH_FAILED, detail: 'opening the chat did not finish within 2 hours' };
    await deps.conversations.recordChatUnreachable(aadObjectId, problem, now);
    return { kind: 'unreachable', problem };
  }
  if (reach?.status === 'unreachable' && reach.since.getTime() >= writtenAt.getTime()) {
    return { kind: 'unreachable', problem: reach.problem ?? { code: REACH_FAILED, detail: null } };
  }
  if (await deps.conversations.startOpeningChat(aadObjectId, now)) {
    deps.logger.info({ userId: aadObjectId }, 'opening a personal chat for a person who has none');
    deps.wakeDispatcher();
  }
  return { kind: 'opening' };
}

/**
 * Step 1 (`chat.install`): installs Doorman for the person, then queues step 2. A missing permission or app id will
 * not heal by retrying: it is recorded as why the person cannot be reached, and the messages waiting for them fall back.
 */
export async function installForChat(deps: UseCaseDeps, installer: AppInstaller, aadObjectId: string): Promise<void> {
  if (await canReachInChat(deps, aadObjectId)) return;
  try {
    await installer.installFor(aadObjectId);
  } catch (error) {
    const problem = lastingProblem(error);
    if (problem === null) throw error;
    await deps.conversations.recordChatUnreachable(aadObjectId, problem, deps.clock.now());
    deps.logger.error({ userId: aadObjectId, code: problem.code }, 'Doorman cannot install itself for a person');
    deps.wakeDispatcher();
    return;
  }
  // Queued before this row completes: a crash in between repeats step 2, which is harmless (it finds or opens the chat).
  await deps.outbox.queueOutbox([{ type: 'chat.open', requestId: null, userId: aadObjectId }], deps.clock.now());
  deps.wakeDispatcher();
}

/**
 * Step 2 (`chat.open`): finds the installation's chat and opens the one-to-one conversation, recorded like a chat
 * from the person's own activity (audited `chat.recorded`, by the dispatcher). The waiting cards and notices go next.
 */
export async function openChat(deps: UseCaseDeps, installer: AppInstaller, opener: ChatOpener, aadObjectId: string): Promise<void> {
  if (await canReachInChat(deps, aadObjectId)) return;
  let chat;
  try {
    chat = await opener.openPersonalChat(aadObjectId, await installer.chatIdFor(aadObjectId));
  } catch (error) {
    const problem = lastingProblem(error);
    if (problem === null) throw error;
    await deps.conversations.recordChatUnreachable(aadObjectId, problem, deps.clock.now());
    deps.wakeDispatcher();
    return;
  }
  await rememberPersonalChat(deps, { ...chat, name: null, timeZone: null }, 'dispatcher');
  deps.wakeDispatcher();
}

/** Step 1 or 2 was given up after its retries: the person is unreachable for now, and the waiting messages fall back. */
export async function chatOpeningGivenUp(deps: UseCaseDeps, aadObjectId: string, error: string): Promise<void> {
  if (await canReachInChat(deps, aadObjectId)) return;
  await deps.conversations.recordChatUnreachable(aadObjectId, { code: REACH_FAILED, detail: error.slice(0, 200) }, deps.clock.now());
  deps.wakeDispatcher();
}

/**
 * Notices whose mail goes out beside the chat notice anyway (issue 15: approvers' reminders and escalations go by chat
 * and by mail), so a person Doorman cannot reach in Teams is not mailed a second time.
 */
const MAILED_BESIDE_CHAT: ReadonlySet<ChatNotice['kind']> = new Set(['lockboxReminder', 'lockboxEscalated']);

/** A notice for someone Doorman cannot reach in Teams, as a mail: null without a mail form or a known address. */
export async function noticeByMail(
  deps: UseCaseDeps,
  aadObjectId: string,
  notice: ChatNotice,
  request: StoredRequest | null,
): Promise<OutgoingMail | 'mailedBeside' | null> {
  const address = await mailAddressOf(deps, aadObjectId);
  if (address === null) return null;
  if (MAILED_BESIDE_CHAT.has(notice.kind)) return 'mailedBeside';
  const language = await languageOfPerson(deps, aadObjectId);
  const form = noticeMail(notice, request, deps.settings.defaultTimeZone, language);
  return form === null ? null : { to: address, ...form, language };
}

/** The person's name and mail address from the directory, or null when it knows none. */
export async function mailAddressOf(deps: Pick<UseCaseDeps, 'directory'>, aadObjectId: string): Promise<{ name: string; address: string } | null> {
  for (const role of ['approver', 'engineer', 'agent', 'admin'] as const) {
    const person = (await deps.directory.listByRole(role)).find((candidate) => candidate.aadObjectId === aadObjectId);
    if (person?.email) return { name: person.name, address: person.email };
  }
  return null;
}

/** A failure retrying cannot heal (a permission, no app id configured), as a stored problem; null for anything else. */
function lastingProblem(error: unknown): Problem | null {
  if (isDoormanError(error, 'GRAPH.FORBIDDEN')) return error.problem();
  return error instanceof PersonUnreachableError ? error.problem : null;
}
