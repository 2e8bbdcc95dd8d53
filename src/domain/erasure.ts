/** Who a person is to the store: a Teams user by object id, or a customer by the e-mail address a session holds. */
export type PersonKey = { objectId: string } | { email: string };

/**
 * An admin's erasure of one person: asked (`pending`, the subject known), then `cancelled`, or `confirmed` and, once
 * every request is erased, `done`; the subject (object id or e-mail) is forgotten when it is decided.
 */
export interface ErasureRequest {
  id: string;
  subject: PersonKey | null;
  pseudonym: string;
  state: 'pending' | 'confirmed' | 'cancelled' | 'done';
  version: number;
  requestedBy: string;
  requestedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  erasedRequests: number | null;
}

/** Confirm keeps the subject until the requests are erased; Cancel forgets it at once. One version on. */
export function decidedErasure(erasure: ErasureRequest, decision: 'confirm' | 'cancel', by: string, at: Date): ErasureRequest {
  return {
    ...erasure,
    state: decision === 'confirm' ? 'confirmed' : 'cancelled',
    subject: decision === 'confirm' ? erasure.subject : null,
    version: erasure.version + 1,
    decidedBy: by,
    decidedAt: at,
  };
}

/** Every request erased: the count is kept, the subject forgotten. One version on. */
export function finishedErasure(erasure: ErasureRequest, erasedRequests: number): ErasureRequest {
  return { ...erasure, subject: null, state: 'done', version: erasure.version + 1, erasedRequests };
}
