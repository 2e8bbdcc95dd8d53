import { AdminEvent } from '../../domain/audit';

/**
 * The administrative audit trail. Events are written by the store method that makes the change, in its transaction
 * (`saveQueue`, `savePersonalConversation`); this port reads them back, oldest first.
 */
export interface AdminEventStore {
  listAdminEvents(): Promise<AdminEvent[]>;
}
