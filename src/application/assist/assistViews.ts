import { AssistRequest } from '../../domain/assist';
import { DoormanError, FieldProblem, isDoormanError } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { ManagedDevice } from '../ports';
import { ClickedCardView, cardViewOf } from '../shared/cardViews';
import { typedInputs } from '../shared/typedInputs';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { parseAssistForm } from './assistForm';
import { AssistCardPlace, askForAssistance, assistanceQueue } from './assistRequests';

/** What the "Ask for help" form offers: the user's devices (null: typed as free text), and where they come from. */
export interface AssistFormView {
  devices: ManagedDevice[] | null;
  /** `local`: the labelled stand-in, not Intune. */
  source: 'intune' | 'local' | null;
}

/**
 * `help me` / `assist` (or the tab's "Ask for help"): the empty form for any person in the tenant; QUEUE.NONE while no
 * channel is registered for assistance (nobody would see the request).
 */
export async function assistForm(deps: UseCaseDeps, actor: Actor): Promise<AssistFormView> {
  if (actor.type !== 'person') throw new DoormanError('AUTH.NOT_PERMITTED');
  if (!(await assistanceQueue(deps))) throw new DoormanError('QUEUE.NONE', 'no channel is registered for assistance');
  return devicesFor(deps, actor.person.aadObjectId);
}

/** The person's devices as the form lists them; a device source that fails leaves the form to free text. */
async function devicesFor(deps: UseCaseDeps, userId: string): Promise<AssistFormView> {
  const capabilities = deps.devices.capabilities();
  if (!capabilities.listDevices) return { devices: null, source: null };
  try {
    const devices = await deps.devices.devicesOf(userId);
    return devices.length > 0 ? { devices, source: capabilities.source } : { devices: null, source: null };
  } catch (error) {
    deps.logger.warn({ code: isDoormanError(error) ? error.code : 'Error' }, 'devices could not be listed; the form asks for the device by name');
    return { devices: null, source: null };
  }
}

/** The answer to a submitted form: the requester's card, or the form again with every problem. */
export type AssistFormAnswer =
  | { kind: 'card'; card: ClickedCardView; request: AssistRequest }
  | { kind: 'form'; form: AssistFormView; typed: Record<string, string>; problems: FieldProblem[] };

/** `assist.create`: checks what was typed (field by field; nothing is created on a problem), then asks. */
export async function submitAssistForm(deps: UseCaseDeps, actor: Actor, inputs: unknown, place: AssistCardPlace | null): Promise<AssistFormAnswer> {
  if (actor.type !== 'person') return { kind: 'form', form: { devices: null, source: null }, typed: {}, problems: [{ field: 'form', problem: 'notPermitted' }] };
  const form = await devicesFor(deps, actor.person.aadObjectId);
  const again = (typed: Record<string, string>, problems: FieldProblem[]): AssistFormAnswer => ({ kind: 'form', form, typed, problems });
  const parsed = parseAssistForm(inputs, form.devices && form.source ? { list: form.devices, source: form.source } : null);
  if (!parsed.ok) return again(parsed.typed, parsed.problems);
  try {
    const request = await askForAssistance(deps, actor, parsed.ask, place);
    return { kind: 'card', request, card: { view: await cardViewOf(deps, request), role: 'requester' } };
  } catch (error) {
    if (isDoormanError(error, 'QUEUE.NONE')) return again(typedInputs(inputs), [{ field: 'form', problem: 'noAssistanceQueue' }]);
    throw error;
  }
}

/** What the local room page of an assistance request shows: who meets whom, on which device. */
export interface AssistRoomView {
  requesterName: string;
  helperName: string;
  deviceName: string;
  /** Colleagues invited into the session (`invitation`), as the local room lists them, with their meeting role. */
  colleagues?: { name: string; role: string }[];
}

/**
 * The local room of a connected request (local mode only: its link is on the helper's and the user's own cards).
 * Any other request, or one not connected in the local room, is REQUEST.NOT_FOUND.
 */
export async function assistRoom(deps: UseCaseDeps, requestId: string): Promise<AssistRoomView> {
  const request = await deps.requests.getRequest(requestId);
  if (!request || request.kind !== 'assist' || request.state !== 'connected' || request.meeting?.provider !== 'local' || !request.helper) {
    throw new DoormanError('REQUEST.NOT_FOUND');
  }
  const colleagues = (await deps.participants.participantsOf(request.id, request.helper)).map((participant) => ({ name: participant.person.name, role: participant.role }));
  return { requesterName: request.requester.name, helperName: request.helper.name, deviceName: request.device.name, colleagues };
}
