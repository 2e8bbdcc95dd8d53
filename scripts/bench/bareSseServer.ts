import { createServer } from 'node:http';

/**
 * The bench's floor for live pages: a bare Node HTTP server holding server-sent-event streams open with a
 * 15 s heartbeat, as Doorman's portal does, and nothing else. Listens on HOST:PORT; `GET /ready` answers;
 * `POST /push/<n>` sends stream `/events/<n>` a state event (the floor for telling a page of a change).
 */
const streams = new Set<import('node:http').ServerResponse>();
const byPath = new Map<string, import('node:http').ServerResponse>();
const server = createServer((req, res) => {
  if (req.url === '/ready') {
    res.writeHead(200).end('ok');
    return;
  }
  if (req.method === 'POST' && req.url?.startsWith('/push/')) {
    byPath.get(`/events/${req.url.slice('/push/'.length)}`)?.write('event: state\ndata: {"state":"closed"}\n\n');
    req.resume();
    res.writeHead(200).end('{}');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
  res.write('retry: 3000\nevent: state\ndata: {"state":"waiting"}\n\n');
  streams.add(res);
  byPath.set(req.url ?? '', res);
  req.on('close', () => {
    streams.delete(res);
    byPath.delete(req.url ?? '');
  });
});
setInterval(() => {
  for (const res of streams) res.write(': ping\n\n');
}, 15_000);
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
process.once('SIGTERM', () => {
  for (const res of streams) res.destroy();
  server.close(() => process.exit(0));
});
