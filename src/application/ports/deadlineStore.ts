/** A deadline row: claimed by the sweeper when `dueAt` has passed. */
export interface Deadline {
  requestId: string;
  kind: string;
  dueAt: Date;
}

/** Deadline rows; written by `RequestStore.commit`, claimed by the sweeper. */
export interface DeadlineStore {
  /** Claims due deadlines for `leaseMs`; the commit of the resulting change removes them. */
  claimDeadlines(now: Date, limit: number, leaseMs: number): Promise<Deadline[]>;
  /** Removes a claimed row that has nothing left to do (its request is gone or already past that state). */
  deleteDeadline(deadline: Deadline): Promise<void>;
  /**
   * Deletes up to `limit` rows that fell due before `dueBefore` and are still there (every sweep since found nothing
   * to do, or failed); returns them.
   */
  pruneDeadlines(dueBefore: Date, limit: number): Promise<Deadline[]>;
}
