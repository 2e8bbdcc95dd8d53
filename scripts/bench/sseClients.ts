import { readFileSync } from 'node:fs';
import http from 'node:http';

/**
 * The bench's customers on live pages, in a process of their own (10,000 streams to Doorman and 10,000 to the bare
 * server would pass one process's file limit). Started with `fork`: argv is the base URL and a JSON file of one path per
 * client. Says `{ connected }` once every stream got its first event; afterwards each further `event: state`
 * is reported as `{ index, at }` (wall clock, ms) so the bench can tell how long a change took to reach the page.
 */
async function main(): Promise<void> {
  const [base, pathsFile] = process.argv.slice(2);
  const paths = JSON.parse(readFileSync(pathsFile, 'utf8')) as string[];
  const open: http.ClientRequest[] = [];
  for (const [index, path] of paths.entries()) {
    // The portal limits reads per address; each 200 clients come from their own loopback address, as customers would.
    const localAddress = `127.0.${Math.floor(index / 200) + 1}.${(index % 200) + 2}`;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}${path}`, { localAddress, agent: false }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`SSE ${path} answered ${res.statusCode}`));
        let first = true;
        res.on('data', (chunk: Buffer) => {
          if (first) {
            first = false;
            resolve();
            return;
          }
          if (chunk.includes('event: state')) process.send?.({ index, at: Date.now() });
        });
      });
      req.on('error', reject);
      open.push(req);
    });
  }
  process.send?.({ connected: open.length });
  process.once('disconnect', () => {
    for (const req of open) req.destroy();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`sse clients: ${String(error)}\n`);
  process.exit(1);
});
