import { AdminEvent } from '../../domain/audit';
import { QueuePurpose } from '../../domain/queues';

/**
 * A Teams channel registered for a purpose: `register queue <name>` (sessions), `register approvals`,
 * `register assistance`. At most one queue per purpose is the default.
 */
export interface Queue {
  id: string;
  name: string;
  purpose: QueuePurpose;
  /** The queue of its purpose used when nobody picks one; saving a default clears the previous one. */
  isDefault: boolean;
  teamId: string | null;
  channelId: string;
  serviceUrl: string;
  tenantId: string;
  registeredBy: string;
  registeredAt: Date;
}

/** Teams channels registered for a purpose. */
export interface QueueStore {
  /**
   * Saves a queue; a default clears the default flag of the other queues of its purpose, and `audit` (the
   * registration's event) is appended, all in one transaction.
   */
  saveQueue(queue: Queue, audit?: AdminEvent): Promise<void>;
  getQueue(id: string): Promise<Queue | null>;
  listQueues(): Promise<Queue[]>;
}
