import { Writable } from 'node:stream';
import { consoleDestination, createLogger, humanLogLine, humanLogLines } from '../../../src/adapters/logging/pinoLogger';

function collector(): { lines: string[]; out: { write(text: string): boolean } } {
  const lines: string[] = [];
  return { lines, out: { write: (text: string) => lines.push(text) > 0 } };
}

describe('the local console: one readable line per event on a terminal, JSON everywhere else', () => {
  it('writes `HH:MM:SS level message key=value`, redacted like the JSON', () => {
    const { lines, out } = collector();
    const logger = createLogger('info', humanLogLines(out));
    logger.info({ requestId: 'r-1', from: 'open', to: 'waiting', invitation: { link: 'https://x/j/secret' }, note: 'two words' }, 'request transition');
    logger.warn({ attempt: 2 }, 'outbox delivery will be retried');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{2}:\d{2}:\d{2} info request transition requestId=r-1 from=open to=waiting invitation={"link":"\[redacted\]"} note="two words"\n$/);
    expect(lines[1]).toMatch(/^\d{2}:\d{2}:\d{2} WARN outbox delivery will be retried attempt=2\n$/);
    expect(lines.join('')).not.toContain('secret');
  });

  it('keeps access logs out of the console at the default level', () => {
    const { lines, out } = collector();
    const logger = createLogger('info', humanLogLines(out));
    logger.debug({ route: '/healthz', status: 200 }, 'http');
    expect(lines).toEqual([]);
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(humanLogLine('plain words')).toBe('plain words\n');
  });

  it('is human only for local mode on a terminal; JSON (pino’s own stdout) in production or through a pipe', () => {
    const terminal = Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: true }) as unknown as NodeJS.WriteStream;
    const pipe = Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: false }) as unknown as NodeJS.WriteStream;
    expect(consoleDestination(true, terminal)).toBeDefined();
    expect(consoleDestination(true, pipe)).toBeUndefined();
    expect(consoleDestination(false, terminal)).toBeUndefined();
  });
});
