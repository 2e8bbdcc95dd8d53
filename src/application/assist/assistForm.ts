import { z } from 'zod';
import { ASSIST_URGENCIES, AssistDevice, AssistUrgency } from '../../domain/assist';
import { FieldProblem } from '../../domain/errors';
import { ManagedDevice } from '../ports';
import { AssistAsk } from './assistRequests';

/** Longest accepted inputs; the form's maxLength uses the same numbers. */
export const ASSIST_FIELD_MAX_LENGTHS = { problem: 1000, phone: 40, deviceId: 100, comment: 500 } as const;

/** Either a valid ask, or every problem by field plus what was typed (so nothing is lost). */
export type AssistFormResult = { ok: true; ask: AssistAsk } | { ok: false; problems: FieldProblem[]; typed: Record<string, string> };

const text = z
  .union([z.string(), z.number()])
  .optional()
  .transform((value) => (value === undefined ? '' : String(value)));
const shape = z.object({ problem: text, urgency: text, phone: text, deviceId: text });

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Checks the "Ask for help" form field by field. `devices` is the user's managed devices when they can be listed
 * (the choice must be one of them), or null when the device is typed as free text.
 */
export function parseAssistForm(inputs: unknown, devices: { list: readonly ManagedDevice[]; source: 'intune' | 'local' } | null): AssistFormResult {
  const parsed = shape.safeParse(typeof inputs === 'object' && inputs !== null ? inputs : {});
  if (!parsed.success) return { ok: false, problems: [{ field: 'form', problem: 'malformed' }], typed: {} };
  const form = parsed.data;
  const problems: FieldProblem[] = [];
  const check = (field: keyof typeof ASSIST_FIELD_MAX_LENGTHS, value: string, required: boolean) => {
    if (required && value.trim() === '') problems.push({ field, problem: 'required' });
    else if (value.length > ASSIST_FIELD_MAX_LENGTHS[field]) problems.push({ field, problem: 'tooLong' });
    else if (CONTROL_CHARACTERS.test(value)) problems.push({ field, problem: 'invalid' });
  };
  check('problem', form.problem, true);
  check('phone', form.phone, false);
  if (form.phone.trim() !== '' && !/^\+?[0-9 ()./-]{3,40}$/.test(form.phone.trim())) problems.push({ field: 'phone', problem: 'phone' });
  const urgency = (form.urgency.trim() === '' ? 'normal' : form.urgency.trim()) as AssistUrgency;
  if (!ASSIST_URGENCIES.includes(urgency)) problems.push({ field: 'urgency', problem: 'invalid' });
  let device: AssistDevice | null = null;
  if (devices && devices.list.length > 0) {
    const chosen = devices.list.find((candidate) => candidate.id === form.deviceId);
    if (form.deviceId.trim() === '') problems.push({ field: 'deviceId', problem: 'required' });
    else if (!chosen) problems.push({ field: 'deviceId', problem: 'unknownDevice' });
    else device = { id: chosen.id, name: chosen.name, source: devices.source };
  } else {
    check('deviceId', form.deviceId, true);
    device = { id: null, name: form.deviceId.trim(), source: 'typed' };
  }
  if (problems.length > 0 || device === null) return { ok: false, problems, typed: { ...form } };
  return {
    ok: true,
    ask: { problem: form.problem.trim(), urgency, phone: form.phone.trim() === '' ? null : form.phone.trim(), device },
  };
}
