import { Client } from 'pg';
import { Logger, RequestChanges } from '../../application/ports';
import { Repeating } from '../../application/shared/repeating';
import { ChangeFeed } from '../../application/shared/storeChangeFeed';

/** The channel the requests table's trigger notifies at every commit that wrote a request (migration 21). */
export const REQUEST_CHANGES_CHANNEL = 'doorman_request_changes';

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
 * LISTENs to the notices PostgreSQL sends at commit, and each is published to RequestChanges. A notice carries only
 * the request's id: pages read the request from the store, which stays the truth. Notices sent while the connection
 * was down are lost, so after every (re)connect `catchUp` reads what changed meanwhile. A connection that breaks, or
 * silently stops answering the periodic check, is dropped and opened again.
 */
export class PostgresChangeFeed implements ChangeFeed {
  private readonly options: PostgresChangeFeedOptions;
  private readonly watch: Repeating;
  private client: Client | null = null;
  /** The catch-up read after the last (re)connect has not succeeded yet. */
  private behind = false;
  private stopped = false;

  constructor(
    private readonly url: string,
    /** Reads the requests changed since its last read and publishes them: the catch-up after a reconnect. */
    private readonly catchUp: ChangeFeed,
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
      this.changes.publish(notice.payload.split(' ')[0]);
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
  private async catchUpNow(): Promise<void> {
    for (let page = 0; page < 100 && (await this.catchUp.tick()) > 0; page += 1);
    this.behind = false;
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
