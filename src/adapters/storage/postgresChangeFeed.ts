import { Client } from 'pg';
import { Logger, RequestChanges } from '../../application/ports';
import { Repeating } from '../../application/shared/repeating';
import { CatchUpFeed, ChangeFeed } from '../../application/shared/storeChangeFeed';

/**
 * The channel the requests table's triggers notify at the commit of every statement that wrote requests (migration
 * 31): the ids it wrote, separated by spaces, or, when they do not fit a notice, `* <its oldest updatedAt in epoch ms>`.
 */
export const REQUEST_CHANGES_CHANNEL = 'doorman_request_changes';

/** What one notice says: which requests changed, or that many did, from a time on. */
export type RequestChangesNotice = { ids: string[] } | { manyFrom: Date };

/** Reads a notice's payload; null for one this version cannot read (a catch-up read then finds its changes). */
export function readNotice(payload: string): RequestChangesNotice | null {
  if (payload.startsWith('* ')) {
    const ms = Number(payload.slice(2));
    return Number.isFinite(ms) ? { manyFrom: new Date(ms) } : null;
  }
  const ids = payload.split(' ').filter((id) => id !== '');
  return ids.length > 0 ? { ids } : null;
}

/** Tuning of the listening connection; production keeps the defaults. */
export interface PostgresChangeFeedOptions {
  /** How often the connection is checked (one `SELECT 1`), and how soon a lost one is opened again. */
  checkMs: number;
  /** Connecting and the check each give up after this long. */
  timeoutMs: number;
}

const DEFAULT_OPTIONS: PostgresChangeFeedOptions = { checkMs: 5_000, timeoutMs: 5_000 };

/**
 * Live pages on this instance learn of changes committed on any instance as they commit: one dedicated connection
 * LISTENs to the notices PostgreSQL sends at commit, one per statement, and each id is published to RequestChanges. A
 * notice carries only ids: pages read the request from the store, which stays the truth. A statement that wrote too
 * many requests to name them sends its oldest change time instead, and `catchUp` reads the change cursor from there.
 * Notices sent while the connection was down are lost, so after every (re)connect `catchUp` reads what changed
 * meanwhile. A connection that breaks, or silently stops answering the periodic check, is dropped and opened again.
 */
export class PostgresChangeFeed implements ChangeFeed {
  private readonly options: PostgresChangeFeedOptions;
  private readonly watch: Repeating;
  private client: Client | null = null;
  /** The catch-up read after the last (re)connect has not succeeded yet. */
  private behind = false;
  private stopped = false;
  /** Catch-up reads run one at a time (they move one cursor); a "many" notice during one asks for one more after it. */
  private reading: Promise<void> = Promise.resolve();
  private manyFrom: Date | null = null;

  constructor(
    private readonly url: string,
    /** Reads the requests changed since its last read and publishes them: the catch-up after a reconnect. */
    private readonly catchUp: CatchUpFeed,
    private readonly changes: RequestChanges,
    private readonly logger: Logger,
    options: Partial<PostgresChangeFeedOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.watch = new Repeating(
      () => this.check(),
      (error) => this.logger.warn({ err: errorName(error) }, 'change feed: listening connection not open yet'),
      this.options.checkMs,
      { unref: true, now: true },
    );
  }

  /** Opens the listening connection now, and checks it (or opens it again) every `checkMs`. */
  start(): void {
    this.stopped = false;
    this.watch.start();
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.watch.stop();
    await this.drop();
  }

  /** Reads what changed since the last read and publishes it (what a reconnect does); returns how many. */
  tick(): Promise<number> {
    return this.catchUp.tick();
  }

  /** True while the listening connection is open and the catch-up read after opening it is done. */
  get listening(): boolean {
    return this.client !== null && !this.behind;
  }

  /** Checks the listening connection now, and opens it again (with its catch-up read) when it is lost. */
  async check(): Promise<void> {
    if (this.stopped) return;
    if (this.client) {
      try {
        await this.client.query('SELECT 1');
        if (this.behind) await this.catchUpNow();
        return;
      } catch (error) {
        this.logger.warn({ err: errorName(error) }, 'change feed: listening connection stopped answering; opening it again');
        await this.drop();
      }
    }
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      connectionTimeoutMillis: this.options.timeoutMs,
      query_timeout: this.options.timeoutMs,
      keepAlive: true,
      application_name: 'doorman change feed',
    });
    client.on('notification', (notice) => {
      if (notice.channel !== REQUEST_CHANGES_CHANNEL || !notice.payload) return;
      const read = readNotice(notice.payload);
      if (!read) return;
      if ('ids' in read) for (const id of read.ids) this.changes.publish(id);
      else this.readManyFrom(read.manyFrom);
    });
    // A broken connection: forget it now; the next check opens a new one and catches up.
    client.on('error', (error) => {
      if (this.client !== client) return;
      this.logger.warn({ err: errorName(error) }, 'change feed: listening connection lost; opening it again');
      void this.drop();
    });
    client.on('end', () => {
      if (this.client === client) void this.drop();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${REQUEST_CHANGES_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    // Listening first, reading second: a change committed in between is both notified and read, never neither.
    this.behind = true;
    await this.catchUpNow();
  }

  /** Reads what changed while nobody listened; a failed read is tried again at the next check. */
  private catchUpNow(): Promise<void> {
    return this.serially(async () => {
      for (let page = 0; page < 100 && (await this.catchUp.tick()) > 0; page += 1);
      this.behind = false;
    });
  }

  /** A statement wrote too many requests to name: read the change cursor from its oldest change on. */
  private readManyFrom(from: Date): void {
    const pending = this.manyFrom;
    this.manyFrom = pending && pending <= from ? pending : from;
    if (pending) return; // a read is already queued: it starts from the oldest asked for.
    void this.serially(async () => {
      const start = this.manyFrom;
      this.manyFrom = null;
      if (start) await this.catchUp.readFrom(start);
    }).catch((error) => {
      // Not lost: the cursor stays where the read stopped, and the next check reads on from it.
      this.behind = true;
      this.logger.warn({ err: errorName(error) }, 'change feed: reading a many-changed notice failed; reading on at the next check');
    });
  }

  /** Runs `read` after the reads before it (they share one cursor). */
  private serially(read: () => Promise<void>): Promise<void> {
    const next = this.reading.then(read);
    this.reading = next.catch(() => undefined);
    return next;
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}${(error as { code?: string }).code ? ` ${(error as { code?: string }).code}` : ''}` : String(error);
}
