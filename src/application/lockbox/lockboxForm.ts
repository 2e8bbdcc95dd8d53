import { z } from 'zod';
import { FieldProblem } from '../../domain/errors';
import { AccessScope, DEFAULT_LOCKBOX_SCOPE, LOCKBOX_MAX_MINUTES, LOCKBOX_MIN_MINUTES } from '../../domain/lockbox';
import { LockboxSettings } from '../ports';
import { LockboxAsk } from './lockboxRequests';

/** Either a valid ask, or every problem by field plus what was typed (so nothing is lost). */
export type LockboxFormResult =
  | { ok: true; ask: LockboxAsk }
  | { ok: false; problems: FieldProblem[]; typed: Record<string, string> };

const text = z
  .union([z.string(), z.number()])
  .optional()
  .transform((value) => (value === undefined ? '' : String(value)));
const shape = z.object({ resource: text, reason: text, ticket: text, durationMinutes: text, scope: text });

/** Checks the lockbox form (or an API body) field by field against the settings' limits. */
export function parseLockboxForm(inputs: unknown, settings: LockboxSettings, scopes: readonly AccessScope[] = [DEFAULT_LOCKBOX_SCOPE]): LockboxFormResult {
  const parsed = shape.safeParse(typeof inputs === 'object' && inputs !== null ? inputs : {});
  if (!parsed.success) return { ok: false, problems: [{ field: 'form', problem: 'malformed' }], typed: {} };
  const form = parsed.data;
  const problems: FieldProblem[] = [];
  const check = (field: string, value: string, max: number, required: boolean) => {
    if (required && value.trim() === '') problems.push({ field, problem: 'required' });
    else if (value.length > max) problems.push({ field, problem: 'tooLong' });
    else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) problems.push({ field, problem: 'invalid' });
  };
  check('resource', form.resource, 200, true);
  check('reason', form.reason, 1000, true);
  check('ticket', form.ticket, 100, false);
  const maximum = Math.min(settings.maxDurationMinutes, LOCKBOX_MAX_MINUTES);
  const duration = form.durationMinutes.trim() === '' ? settings.defaultDurationMinutes : Number(form.durationMinutes);
  if (!Number.isInteger(duration)) problems.push({ field: 'durationMinutes', problem: 'invalid' });
  else if (duration < LOCKBOX_MIN_MINUTES) problems.push({ field: 'durationMinutes', problem: 'tooShort' });
  else if (duration > maximum) problems.push({ field: 'durationMinutes', problem: 'tooLong' });
  // No scope chosen: the first (the default scope); a scope nobody defined is refused, never guessed.
  const scope = form.scope.trim() === '' ? scopes[0] : scopes.find((candidate) => candidate.id === form.scope.trim());
  if (!scope) problems.push({ field: 'scope', problem: 'invalid' });
  if (problems.length > 0 || !scope) return { ok: false, problems, typed: { ...form } };
  return {
    ok: true,
    ask: { scope, resource: form.resource.trim(), reason: form.reason.trim(), ticket: form.ticket.trim(), durationMinutes: duration },
  };
}
