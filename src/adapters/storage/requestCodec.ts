import { OutboxMessage, StoredRequest } from '../../application/ports';
import { problemOf } from '../../domain/errors';
import { AssistRequest } from '../../domain/assist';
import { InvitationRequest } from '../../domain/invitation';
import { LockboxRequest } from '../../domain/lockbox';
import { SessionRequest } from '../../domain/session';

/** The name shown for a person whose personal data was erased without a pseudonym (erasures from before pseudonyms). */
export const ERASED_NAME = '(erased)';

/** What free text (comments, problem descriptions, reasons) reads as once erased. */
export const ERASED_TEXT = '(erased)';

/** Outbox messages that carry personal data (mail: names, addresses, the one-time link); scrubbed once handed over. */
export const SCRUBBED_OUTBOX_TYPES: readonly OutboxMessage['type'][] = ['mail.send'];

/** The indexed columns of a `requests` row: copies of fields of the request, for filters and compare-and-set. */
export interface RequestColumns {
  id: string;
  kind: string;
  state: string;
  version: number;
  generation: number;
  linkHash: string | null;
  createdBy: string;
  assignee: string | null;
  queueId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The columns each kind fills its own way; the rest are the request's own id, kind, state, version and times. */
type KindColumns = Pick<RequestColumns, 'generation' | 'linkHash' | 'createdBy' | 'assignee' | 'queueId'>;

/** A request split for storage: columns, the non-personal rest (`requests.data`) and the erasable part. */
export interface EncodedRequest {
  columns: RequestColumns;
  data: string;
  personal: string;
  /** What the tab's search box matches (lower case): names, customer, resource, ticket, reason; erased with the names. */
  searchText: string;
}

/**
 * A field of a request, or one nested inside it: `expiresAt`, `access.grantedAt`, `decisions[].at` (`[]`: every
 * element of the array). The first step must be a field of the request, so a misspelt field fails to compile.
 */
type FieldPath<R> = Extract<keyof R, string> | `${Extract<keyof R, string>}.${string}` | `${Extract<keyof R, string>}[].${string}`;

/** How one request kind is stored: which fields are dates (JSON loses them) and which are personal. */
interface KindShape<R> {
  dateFields: readonly FieldPath<R>[];
  /** Erasable fields, kept out of `requests.data`; stored in `personal_data` under their path. */
  personalFields: readonly FieldPath<R>[];
  /** What each personal field reads as once erased (inside arrays: each element's value): names read as the pseudonym. */
  erased(pseudonym: string): { readonly [path: string]: unknown };
  /** Where the request sits in the columns its kind fills its own way (the common ones come from the request itself). */
  placement(request: R): KindColumns;
  /** The texts a search finds the request by: the people's and customer's names and what the request is about. */
  searchable(request: R): readonly (string | null | undefined)[];
  /** Reads fields stored in an older form (after dates are restored); absent when nothing changed form. */
  readOlder?(stored: Record<string, unknown>): Record<string, unknown>;
}

const sessionShape: KindShape<SessionRequest> = {
  dateFields: ['createdAt', 'updatedAt', 'expiresAt', 'scheduledFor', 'lobbyOpenUntil'],
  personalFields: ['recipient', 'customerName', 'comments', 'createdBy.name', 'assignee.name'],
  erased: (pseudonym) => ({
    recipient: { name: pseudonym, email: null },
    customerName: null,
    comments: ERASED_TEXT,
    'createdBy.name': pseudonym,
    'assignee.name': pseudonym,
  }),
  placement: (request) => ({
    generation: request.generation,
    linkHash: request.linkHash,
    createdBy: request.createdBy.aadObjectId,
    assignee: request.assignee?.aadObjectId ?? null,
    queueId: request.queueId,
  }),
  searchable: (request) => [request.recipient.name, request.recipient.email, request.customerName, request.createdBy.name, request.assignee?.name, request.comments],
  // Rows written before problems were structured hold them as "CODE: detail" strings.
  readOlder: (stored) => {
    const meeting = stored.meeting as Record<string, unknown> | null | undefined;
    return {
      ...stored,
      ...(typeof stored.mailProblem === 'string' ? { mailProblem: problemOf(stored.mailProblem) } : {}),
      ...(meeting && typeof meeting.problem === 'string' ? { meeting: { ...meeting, problem: problemOf(meeting.problem) } } : {}),
    };
  },
};

// Names are personal data (DESIGN.md §1); the object ids stay, so the audit trail and the filters keep working.
const lockboxShape: KindShape<LockboxRequest> = {
  dateFields: [
    'createdAt',
    'updatedAt',
    'decideBy',
    'remindAt',
    'decisions[].at',
    'access.grantedAt',
    'access.endsAt',
    'access.removedAt',
    'ending.at',
  ],
  personalFields: ['requester.name', 'decisions[].byName', 'reason', 'decisions[].comment'],
  erased: (pseudonym) => ({ 'requester.name': pseudonym, 'decisions[].byName': pseudonym, reason: ERASED_TEXT, 'decisions[].comment': null }),
  placement: (request) => ({
    // A lockbox request has no link and no generations; the column is NOT NULL.
    generation: 1,
    linkHash: null,
    createdBy: request.requester.aadObjectId,
    assignee: null,
    queueId: request.queueId,
  }),
  searchable: (request) => [request.requester.name, request.resource, request.scope?.name, request.ticket, request.reason],
};

// The requester's and helper's names, the phone number and what people wrote (the problem, a closing comment).
const assistShape: KindShape<AssistRequest> = {
  dateFields: [
    'createdAt',
    'updatedAt',
    'answerBy',
    'allowBy',
    'deviceActions[].requestedAt',
    'deviceActions[].startedAt',
    'deviceActions[].lastUpdatedAt',
  ],
  personalFields: ['requester.name', 'helper.name', 'phone', 'deviceActions[].by.name', 'problem', 'closedComment'],
  erased: (pseudonym) => ({
    'requester.name': pseudonym,
    'helper.name': pseudonym,
    phone: null,
    'deviceActions[].by.name': pseudonym,
    problem: ERASED_TEXT,
    closedComment: null,
  }),
  placement: (request) => ({
    generation: 1,
    linkHash: null,
    createdBy: request.requester.aadObjectId,
    assignee: request.helper?.aadObjectId ?? null,
    queueId: request.queueId,
  }),
  searchable: (request) => [request.requester.name, request.helper?.name, request.problem, request.device.name],
};

// Names and the session's summary (it may name the customer) are personal data. The parent request's id is kept in
// the queue column: an invitation's place is the session it belongs to, and its cards list by it.
const invitationShape: KindShape<InvitationRequest> = {
  dateFields: ['createdAt', 'updatedAt', 'answerBy'],
  personalFields: ['inviter.name', 'invitee.name', 'summary'],
  erased: (pseudonym) => ({ 'inviter.name': pseudonym, 'invitee.name': pseudonym, summary: ERASED_TEXT }),
  placement: (request) => ({
    generation: 1,
    linkHash: null,
    createdBy: request.inviter.aadObjectId,
    assignee: request.invitee.aadObjectId,
    queueId: request.parentId,
  }),
  searchable: (request) => [request.inviter.name, request.invitee.name, request.summary],
};

// A new request kind in StoredRequest fails to compile here until its storage shape is declared.
const shapes: { [K in StoredRequest['kind']]: KindShape<Extract<StoredRequest, { kind: K }>> } = {
  session: sessionShape,
  lockbox: lockboxShape,
  assist: assistShape,
  invitation: invitationShape,
};

function shapeOf(kind: unknown): KindShape<StoredRequest> {
  const shape = (shapes as unknown as Record<string, KindShape<StoredRequest> | undefined>)[String(kind)];
  if (!shape) throw new Error(`unknown request kind in store: ${String(kind)}`);
  return shape;
}

/** Splits a request into indexed columns, non-personal JSON and personal JSON. */
export function encodeRequest(request: StoredRequest): EncodedRequest {
  const shape = shapeOf(request.kind);
  // The erasure mark is read from the personal_data row, never stored with the request. One copy of the top level,
  // fields left out by setting them undefined (JSON.stringify skips them): this runs on every commit, and a copy per
  // field (or `delete`) was a visible part of a commit's CPU.
  const { erasedAs: _mark, ...unmarked } = request;
  let data: Record<string, unknown> = unmarked;
  const personal: Record<string, unknown> = {};
  for (const path of shape.personalFields) {
    const steps = parsePath(path);
    personal[path] = readAt(request, steps);
    if (steps.length === 1 && !steps[0].each) data[steps[0].key] = undefined;
    else data = updateAt(data, steps, () => REMOVE) as Record<string, unknown>;
  }
  return { columns: { id: request.id, kind: request.kind, state: request.state, version: request.version, ...shape.placement(request), createdAt: request.createdAt, updatedAt: request.updatedAt }, data: JSON.stringify(data), personal: JSON.stringify(personal), searchText: searchTextOf(request.id, shape.searchable(request)) };
}

/** One lower-case line of the request's id and searchable texts, for `LIKE '%word%'` in both stores. */
function searchTextOf(id: string, texts: readonly (string | null | undefined)[]): string {
  return [id, ...texts].filter((text): text is string => typeof text === 'string' && text !== '').join(' \u001f ').toLowerCase();
}

/** A search box's words as `LIKE` patterns (lower case, `%` `_` `\\` escaped), at most five: every one must match. */
export function searchPatterns(search: string): string[] {
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '')
    .slice(0, 5)
    .map((word) => `%${word.replace(/[\\%_]/g, (character) => `\\${character}`)}%`);
}

/**
 * Joins stored JSON back into a request, restoring Dates; `personal` is null once erased, and the request then reads
 * with its people as `pseudonym` and carries `erasedAs`. A field that became personal after a row was written is
 * still in `data` and reads from there until the row is written again.
 */
export function decodeRequest(data: unknown, personal: unknown, storedPseudonym: unknown = null): StoredRequest {
  const pseudonym = typeof storedPseudonym === 'string' ? storedPseudonym : null;
  const stored = parseObject(data);
  const shape = shapeOf(stored.kind);
  const personalValues = personal === null ? null : parseObject(personal);
  const erased = shape.erased(pseudonym ?? ERASED_NAME);
  // The parsed objects are this call's own: changed in place rather than copied once per field (every read runs this).
  let merged: unknown = stored;
  for (const path of shape.personalFields) {
    const steps = parsePath(path);
    merged =
      personalValues === null
        ? updateAt(merged, steps, () => erased[path], undefined, true)
        : updateAt(merged, steps, (current, saved) => (saved !== undefined ? saved : current === undefined ? REMOVE : current), personalValues[path], true);
  }
  if (personalValues === null) merged = { ...(merged as Record<string, unknown>), erasedAs: pseudonym ?? ERASED_NAME };
  for (const path of shape.dateFields) {
    merged = updateAt(
      merged,
      parsePath(path),
      (value) => (value === null || value === undefined ? null : new Date(value as string)),
      undefined,
      true,
    );
  }
  if (shape.readOlder) merged = shape.readOlder(merged as Record<string, unknown>);
  return merged as StoredRequest;
}

/** Reads a JSON column: SQLite returns text, PostgreSQL jsonb arrives parsed. */
export function parseObject(value: unknown): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('stored JSON is not an object');
  }
  return parsed as Record<string, unknown>;
}

/** The SQL list literal of SCRUBBED_OUTBOX_TYPES, for `type IN (...)` (constants, never user input). */
export const SCRUBBED_OUTBOX_TYPES_SQL = SCRUBBED_OUTBOX_TYPES.map((type) => `'${type}'`).join(', ');

interface PathStep {
  key: string;
  /** The field is an array: the rest of the path applies to each element. */
  each: boolean;
}

/** Returned by an update to drop the field. */
const REMOVE = Symbol('remove');

const parsedPaths = new Map<string, readonly PathStep[]>();

function parsePath(path: string): readonly PathStep[] {
  let steps = parsedPaths.get(path);
  if (!steps) {
    steps = path.split('.').map((part) => (part.endsWith('[]') ? { key: part.slice(0, -2), each: true } : { key: part, each: false }));
    parsedPaths.set(path, steps);
  }
  return steps;
}

/** The value at `steps`; below an array, an array with one value per element (undefined where there is nothing). */
function readAt(value: unknown, steps: readonly PathStep[]): unknown {
  if (steps.length === 0) return value;
  if (value === null || typeof value !== 'object') return undefined;
  const [step, ...rest] = steps;
  const child = (value as Record<string, unknown>)[step.key];
  if (step.each) return Array.isArray(child) ? child.map((element) => readAt(element, rest)) : undefined;
  return readAt(child, rest);
}

/**
 * A copy of `value` with the field at `steps` replaced by `change(current, saved)` (REMOVE drops it). `saved` is
 * shaped like readAt's result, so below an array each element gets its own. Nothing changes under a null parent
 * (an access not yet ended has `ending: null`). `inPlace`: `value` is the caller's own, changed rather than copied.
 */
function updateAt(
  value: unknown,
  steps: readonly PathStep[],
  change: (current: unknown, saved: unknown) => unknown,
  saved?: unknown,
  inPlace = false,
): unknown {
  if (steps.length === 0) return change(value, saved);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const [step, ...rest] = steps;
  const object = value as Record<string, unknown>;
  const child = object[step.key];
  let next: unknown;
  if (step.each) {
    if (!Array.isArray(child)) return value;
    const savedElements = Array.isArray(saved) ? (saved as unknown[]) : [];
    next = child.map((element, index) => updateAt(element, rest, change, savedElements[index], inPlace));
  } else {
    if (rest.length > 0 && !(step.key in object)) return value;
    next = updateAt(child, rest, change, saved, inPlace);
  }
  const copy: Record<string, unknown> = inPlace ? object : { ...object };
  if (next === REMOVE) delete copy[step.key];
  else copy[step.key] = next;
  return copy;
}
