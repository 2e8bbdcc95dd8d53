import { DoormanError, FieldProblem, isDoormanError } from '../../domain/errors';
import { Actor, Person } from '../../domain/people';
import { mayWorkSessions } from '../../domain/policy';
import { DefaultQueueReason } from '../../domain/queues';
import { Queue } from '../ports';
import { sessionQueueChoice } from '../people/queues';
import { typedInputs } from '../shared/typedInputs';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { IssuedInvitation, InvitationCardPlace, createSessionRequest } from './createSessionRequest';
import { parseSessionForm } from './sessionForm';

/**
 * What the `new session` form offers: queues, the default queue, the default deadline. Agents are not listed (the
 * card searches them, dataset `agents`); `chosenAgent` is the agent picked in a failed submit, shown again by name.
 */
export interface SessionFormView {
  chosenAgent: Person | null;
  queues: Queue[];
  defaultQueue: { name: string; reason: DefaultQueueReason } | null;
  defaultHours: number;
}

async function formView(deps: UseCaseDeps): Promise<Omit<SessionFormView, 'chosenAgent'> & { defaultQueueId: string | null }> {
  const choice = await sessionQueueChoice(deps);
  return {
    queues: choice.queues,
    defaultQueue: choice.defaultQueue ? { name: choice.defaultQueue.queue.name, reason: choice.defaultQueue.reason } : null,
    defaultQueueId: choice.defaultQueue?.queue.id ?? null,
    defaultHours: deps.settings.sessionDefaultHours,
  };
}

/** `new session`: the empty form, for agents only (AUTH.NOT_PERMITTED otherwise). */
export async function newSessionForm(deps: UseCaseDeps, actor: Actor): Promise<SessionFormView> {
  if (!mayWorkSessions(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  const { defaultQueueId: _unused, ...view } = await formView(deps);
  return { ...view, chosenAgent: null };
}

/** The answer to a submitted form: the invitation, or the form again with every problem and what was typed. */
export type SessionFormAnswer =
  | { kind: 'invitation'; issued: IssuedInvitation }
  | { kind: 'form'; form: SessionFormView; typed: Record<string, string>; problems: FieldProblem[] };

/** `session.create`: checks who asks and what was typed, then creates the request (see createSessionRequest). */
export async function submitSessionForm(
  deps: UseCaseDeps,
  actor: Actor,
  inputs: unknown,
  place: InvitationCardPlace | null,
  timeZone: string,
): Promise<SessionFormAnswer> {
  const [{ defaultQueueId, ...view }, agents] = await Promise.all([formView(deps), deps.directory.listAgents()]);
  const form = (typed: Record<string, string>): SessionFormView => ({ ...view, chosenAgent: chosenAgentOf(typed, agents) });
  if (actor.type !== 'person' || !mayWorkSessions(actor)) return { kind: 'form', form: form({}), typed: {}, problems: [{ field: 'form', problem: 'notPermitted' }] };
  const parsed = parseSessionForm(inputs, {
    now: deps.clock.now(),
    timeZone,
    defaultHours: deps.settings.sessionDefaultHours,
    agent: actor.person,
    agents,
    queues: view.queues,
    defaultQueueId,
  });
  if (!parsed.ok) return { kind: 'form', form: form(parsed.typed), typed: parsed.typed, problems: parsed.problems };
  try {
    return { kind: 'invitation', issued: await createSessionRequest(deps, actor, parsed.values, place, timeZone) };
  } catch (error) {
    if (isDoormanError(error, 'INPUT.INVALID')) return { kind: 'form', form: form(typedInputs(inputs)), typed: typedInputs(inputs), problems: error.fields };
    throw error;
  }
}

function chosenAgentOf(typed: Record<string, string>, agents: readonly Person[]): Person | null {
  const choice = (typed.assignTo ?? '').trim();
  if (!choice.startsWith('user:')) return null;
  return agents.find((agent) => agent.aadObjectId === choice.slice('user:'.length)) ?? null;
}
