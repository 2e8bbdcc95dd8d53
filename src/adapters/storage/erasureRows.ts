import { ErasureRequest, PersonKey } from '../../application/ports';
import { Row, toDate, toDateOrNull } from './rowMappers';

/** How an erasure's subject is stored: `oid:<object id>` or `mail:<address>`; null once decided. */
export function encodeSubject(subject: PersonKey | null): string | null {
  if (subject === null) return null;
  return 'objectId' in subject ? `oid:${subject.objectId}` : `mail:${subject.email}`;
}

function decodeSubject(value: unknown): PersonKey | null {
  if (typeof value !== 'string') return null;
  if (value.startsWith('oid:')) return { objectId: value.slice(4) };
  if (value.startsWith('mail:')) return { email: value.slice(5) };
  return null;
}

/** Maps an `erasures` row. */
export function toErasureRequest(row: Row): ErasureRequest {
  return {
    id: row.id as string,
    subject: decodeSubject(row.subject),
    pseudonym: row.pseudonym as string,
    state: row.state as ErasureRequest['state'],
    version: Number(row.version),
    requestedBy: row.requested_by as string,
    requestedAt: toDate(row.requested_at),
    decidedBy: (row.decided_by as string | null) ?? null,
    decidedAt: toDateOrNull(row.decided_at),
    erasedRequests: row.erased_requests === null || row.erased_requests === undefined ? null : Number(row.erased_requests),
  };
}

/** Where an export page ended: the last event's time (epoch ms) and row id, as the opaque cursor the port passes around. */
export function auditCursorAfter(row: Row): string {
  return `${toDate(row.at).getTime()}.${String(row.id)}`;
}

/** Reads a cursor written by auditCursorAfter; null (the start) reads as just before the range's first event. */
export function parseAuditCursor(cursor: string | null, from: Date): { at: Date; id: number } {
  if (cursor === null) return { at: from, id: 0 };
  const match = /^(-?\d+)\.(\d+)$/.exec(cursor);
  if (!match) throw new Error('malformed audit cursor');
  return { at: new Date(Number(match[1])), id: Number(match[2]) };
}
