import { OutboxMessage, StoredRequest } from '../../application/ports';
import { SessionRequest } from '../../domain/session';

/** The name shown for a person whose personal data was erased. */
export const ERASED_NAME = '(erased)';

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

/** A request split for storage: columns, the non-personal rest (`requests.data`) and the erasable part. */
export interface EncodedRequest {
  columns: RequestColumns;
  data: string;
  personal: string;
}

/** How one request kind is stored: which fields are dates (JSON loses them) and which are personal. */
interface KindShape<R> {
  dateFields: readonly (keyof R)[];
  personalFields: readonly (keyof R)[];
  /** What the personal fields read as once erased. */
  erased: Partial<R>;
  columns(request: R): RequestColumns;
}

const sessionShape: KindShape<SessionRequest> = {
  dateFields: ['createdAt', 'updatedAt', 'expiresAt', 'scheduledFor', 'lobbyOpenUntil'],
  personalFields: ['recipient', 'customerName'],
  erased: { recipient: { name: ERASED_NAME, email: null }, customerName: null },
  columns: (request) => ({
    id: request.id,
    kind: request.kind,
    state: request.state,
    version: request.version,
    generation: request.generation,
    linkHash: request.linkHash,
    createdBy: request.createdBy.aadObjectId,
    assignee: request.assignee?.aadObjectId ?? null,
    queueId: request.queueId,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
  }),
};

// A new request kind in StoredRequest fails to compile here until its storage shape is declared.
const shapes: { [K in StoredRequest['kind']]: KindShape<Extract<StoredRequest, { kind: K }>> } = {
  session: sessionShape,
};

function shapeOf(kind: unknown): KindShape<StoredRequest> {
  const shape = (shapes as Record<string, KindShape<StoredRequest> | undefined>)[String(kind)];
  if (!shape) throw new Error(`unknown request kind in store: ${String(kind)}`);
  return shape;
}

/** Splits a request into indexed columns, non-personal JSON and personal JSON. */
export function encodeRequest(request: StoredRequest): EncodedRequest {
  const shape = shapeOf(request.kind);
  const data: Record<string, unknown> = { ...request };
  const personal: Record<string, unknown> = {};
  for (const field of shape.personalFields) {
    personal[field] = request[field];
    delete data[field];
  }
  return { columns: shape.columns(request), data: JSON.stringify(data), personal: JSON.stringify(personal) };
}

/** Joins stored JSON back into a request, restoring Dates; `personal` is null once erased. */
export function decodeRequest(data: unknown, personal: unknown): StoredRequest {
  const stored = parseObject(data);
  const shape = shapeOf(stored.kind);
  const merged: Record<string, unknown> = { ...stored, ...(personal === null ? shape.erased : parseObject(personal)) };
  for (const field of shape.dateFields) {
    const value = merged[field];
    merged[field] = value === null || value === undefined ? null : new Date(value as string);
  }
  return merged as unknown as StoredRequest;
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
