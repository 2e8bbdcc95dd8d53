import { decideErasure } from '../../../application/oversight/erasure';
import { erasureCard } from './erasureCard';
import { VerbHandler, pointerSchema } from '../verbTypes';

/** Confirm or Cancel on the erasure card; the pointer's `requestId` is the erasure's id. */
function erasureDecision(decision: 'confirm' | 'cancel'): VerbHandler {
  return async (_turn, actor, data, verbs) => {
    const pointer = pointerSchema.parse(data);
    return erasureCard(await decideErasure(verbs.deps, actor, { erasureId: pointer.requestId, version: pointer.version }, decision, 'card'), verbs.language);
  };
}

/** The erasure card's verbs. */
export const ERASURE_VERBS: Readonly<Record<string, VerbHandler>> = {
  'erasure.confirm': erasureDecision('confirm'),
  'erasure.cancel': erasureDecision('cancel'),
};
