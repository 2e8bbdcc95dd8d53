import { Change } from '../../application/ports';

/**
 * The changes a store's commitAll may write together, set by set: updates that move their version on, of a request
 * no earlier change of the batch touches, without card activities or a replaced link (those go one by one).
 */
export function plainUpdates(changes: readonly Change[]): number[] {
  const seen = new Set<string>();
  const plain: number[] = [];
  changes.forEach((change, index) => {
    const id = change.request.id;
    const isPlain =
      change.expectedVersion !== null &&
      change.request.version > change.expectedVersion &&
      (change.cardActivities ?? []).length === 0 &&
      !change.replacedLinkHash &&
      !seen.has(id);
    seen.add(id);
    if (isPlain) plain.push(index);
  });
  return plain;
}
