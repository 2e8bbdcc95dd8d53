import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A running locale proxy: the bot URL to give the Playground, and how to stop it. */
export interface LocaleProxy {
  readonly botUrl: string;
  stop(): Promise<void>;
}

/**
 * Stands between the Agents Playground and Doorman's bot endpoint and puts `locale` on each activity as Teams does
 * for a user whose Teams language it is. The Playground (0.2.28) cannot: it writes `locale: "en-US"` into every
 * activity it generates, whatever its process or browser locale. Everything else passes through unchanged, both ways.
 */
export async function startLocaleProxy(target: string, locale: string): Promise<LocaleProxy> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        let body = Buffer.concat(chunks).toString('utf8');
        try {
          const activity = JSON.parse(body) as { locale?: string; entities?: Array<{ type?: string; locale?: string }> };
          activity.locale = locale;
          for (const entity of activity.entities ?? []) if (entity.type === 'clientInfo') entity.locale = locale;
          body = JSON.stringify(activity);
        } catch {
          // Not JSON: Doorman answers it as it would anyway.
        }
        const answer = await fetch(`${target}${request.url ?? ''}`, {
          method: request.method,
          headers: { 'Content-Type': String(request.headers['content-type'] ?? 'application/json') },
          body: request.method === 'GET' ? undefined : body,
        });
        const text = await answer.text();
        response.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
        response.end(text);
      })().catch(() => {
        response.writeHead(502);
        response.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    botUrl: `http://127.0.0.1:${port}/api/messages`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
