import { OutboxHealth } from './ports';
import { UseCaseDeps } from './useCaseDeps';

/** Where the metrics read the outbox's health once per scrape (the store, built in main.ts). */
export interface OutboxHealthSource {
  outboxHealth(now: Date): Promise<OutboxHealth>;
}

/** True when the store answers: readiness for a load balancer. */
export async function storeIsReachable(deps: Pick<UseCaseDeps, 'store'>): Promise<boolean> {
  try {
    await deps.store.ping();
    return true;
  } catch {
    return false;
  }
}
