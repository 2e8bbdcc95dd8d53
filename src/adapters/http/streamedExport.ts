import { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { Logger } from '../../application/ports';
import { Presenter } from './routeChain';

/**
 * One CSV cell. Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return, which some strip
 * first) as a formula, so such text gets a leading apostrophe; quotes, commas and line breaks are quoted.
 */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** What a streamed export presenter needs: the columns, the rows as they come, and a file name. */
export interface StreamedTable {
  columns: readonly string[];
  rows: AsyncIterable<Record<string, unknown>>;
  fileName: string;
}

/** Streams a table as CSV (header row, CRLF lines), waiting for the client when its buffer is full. */
export function csvStream(logger: Logger): Presenter<StreamedTable> {
  return (res, table, surface) => {
    res.writeHead(200, { ...surface.headers, ...download('text/csv; charset=utf-8', table.fileName) });
    void pipeLines(res, header(table.columns), table, (row) => `${table.columns.map((column) => csvCell(row[column])).join(',')}\r\n`, logger);
  };
}

/** Streams a table as JSON lines: one object per line, keys in column order. */
export function jsonLinesStream(logger: Logger): Presenter<StreamedTable> {
  return (res, table, surface) => {
    res.writeHead(200, { ...surface.headers, ...download('application/x-ndjson; charset=utf-8', table.fileName) });
    void pipeLines(res, '', table, (row) => `${JSON.stringify(Object.fromEntries(table.columns.map((column) => [column, row[column] ?? null])))}\n`, logger);
  };
}

function header(columns: readonly string[]): string {
  return `${columns.map(csvCell).join(',')}\r\n`;
}

function download(type: string, fileName: string): Record<string, string> {
  return { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${fileName}"`, 'Cache-Control': 'no-store' };
}

/**
 * Writes the lines as the rows come. The status is already sent, so a failure half-way can only cut the download
 * short: the connection is destroyed (the client sees an incomplete file, never a complete-looking one) and logged.
 */
async function pipeLines(
  res: ServerResponse,
  first: string,
  table: StreamedTable,
  line: (row: Record<string, unknown>) => string,
  logger: Logger,
): Promise<void> {
  try {
    if (first !== '') res.write(first);
    for await (const row of table.rows) {
      if (res.destroyed) return;
      if (!res.write(line(row))) await drainedOrClosed(res);
    }
    res.end();
  } catch (error) {
    logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'streamed export failed');
    res.destroy();
  }
}

/** Waits until the client took the buffered bytes, or went away. */
async function drainedOrClosed(res: ServerResponse): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([once(res, 'drain', { signal: stop.signal }), once(res, 'close', { signal: stop.signal })]);
  } finally {
    stop.abort();
  }
}
