import { IncomingMessage, ServerResponse } from 'node:http';
import { HttpRefusal } from './httpFailures';

/** A request body refused before any use case saw it: 413 when too large, 400 when not a JSON object. */
export class BodyRefused extends HttpRefusal {
  constructor(status: 400 | 413, problem: string) {
    super(status, 'INPUT.INVALID', [{ field: 'body', problem }]);
  }
}

/**
 * Reads a small JSON object body without trusting Content-Length: counts bytes as they arrive and stops at
 * `maxBytes`. An empty body is `{}` when `allowEmpty`.
 */
export async function readJsonObject(req: IncomingMessage, maxBytes: number, allowEmpty = false): Promise<Record<string, unknown>> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw new BodyRefused(413, 'tooLarge');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyRefused(413, 'tooLarge');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '' && allowEmpty) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BodyRefused(400, 'notJson');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BodyRefused(400, 'notObject');
  return parsed as Record<string, unknown>;
}

/** Answers JSON with the route's security headers (once: a stream that already started is left alone). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Cache-Control': 'no-store', ...headers, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** The one error shape of every JSON route: `{ error: { code, message: code, fields? } }` — codes, never prose. */
export function sendJsonError(
  res: ServerResponse,
  status: number,
  code: string,
  fields: readonly unknown[] = [],
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, status, { error: { code, message: code, ...(fields.length > 0 ? { fields } : {}) } }, headers);
}
