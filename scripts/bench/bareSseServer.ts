import { createServer } from 'node:http';

/**
 * The bench's floor for live pages: a bare Node HTTP server holding server-sent-event streams open with a
 * 15 s heartbeat, as Doorman's portal does, and nothing else. Listens on HOST:PORT; `GET /ready` answers.
 */
const streams = new Set<import('node:http').ServerResponse>();
const server = createServer((req, res) => {
  if (req.url === '/ready') {
    res.writeHead(200).end('ok');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
  res.write('retry: 3000\nevent: state\ndata: {"state":"waiting"}\n\n');
  streams.add(res);
  req.on('close', () => streams.delete(res));
});
setInterval(() => {
  for (const res of streams) res.write(': ping\n\n');
}, 15_000);
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
process.once('SIGTERM', () => {
  for (const res of streams) res.destroy();
  server.close(() => process.exit(0));
});
