import { TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { Logger } from '../../../src/application/ports';
import { buildGraphClient } from '../../../src/adapters/graph/graphClient';

/** The public Graph endpoint the nock tests intercept. */
export const GRAPH = 'https://graph.microsoft.com';

/** A credential that hands out a fixed token: the real credential path is covered by the graph double test. */
export const fixedCredential: TokenCredential = {
  getToken: async () => ({ token: 'test-access-token', expiresOnTimestamp: 4_102_444_800_000 }),
};

/** A Graph client on the public endpoint with the fixed credential. */
export function nockedGraphClient(): Client {
  return buildGraphClient(`${GRAPH}/v1.0`, fixedCredential);
}

/** A logger that remembers every line, so tests can check nothing secret is logged. */
export function recordingLogger(): Logger & { lines: { level: string; fields: Record<string, unknown>; message: string }[] } {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Decodes the base64 MIME body sendMail received. */
export function decodeMime(body: string): string {
  return Buffer.from(body, 'base64').toString('utf8');
}

/** The decoded content of one MIME part (base64 transfer encoding). */
export function mimePart(mime: string, contentType: string): string | null {
  const boundary = /boundary="([^"]+)"/.exec(mime)?.[1];
  if (!boundary) return null;
  const section = mime.split(`--${boundary}`).find((chunk) => chunk.includes(`Content-Type: ${contentType}`));
  if (!section) return null;
  return Buffer.from(section.split('\r\n\r\n').slice(1).join('').replace(/\s+/g, ''), 'base64').toString('utf8');
}
