import pino from 'pino';
import { Logger } from '../../application/ports';

/** The pino logger: JSON lines; fields that could carry secrets or link codes are redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger & { raw: pino.Logger } {
  const raw = pino(
    {
      level,
      base: { service: 'doorman' },
      redact: {
        paths: ['*.authorization', '*.cookie', '*.password', '*.secret', '*.token', '*.code', '*.link', '*.joinUrl', 'mail'],
        censor: '[redacted]',
      },
    },
    destination,
  );
  return {
    raw,
    debug: (fields, message) => raw.debug(fields, message),
    info: (fields, message) => raw.info(fields, message),
    warn: (fields, message) => raw.warn(fields, message),
    error: (fields, message) => raw.error(fields, message),
  };
}

/**
 * Where log lines go: a person running Doorman locally in a terminal reads one short line per event; everyone else
 * (production, a pipe, a log collector) gets pino's JSON. Undefined means pino's own stdout.
 */
export function consoleDestination(localMode: boolean, out: NodeJS.WriteStream = process.stdout): pino.DestinationStream | undefined {
  return localMode && out.isTTY ? humanLogLines(out) : undefined;
}

/** A pino destination that writes each JSON line as `HH:MM:SS level message key=value …`. */
export function humanLogLines(out: { write(text: string): unknown }): pino.DestinationStream {
  return { write: (line: string) => void out.write(humanLogLine(line)) };
}

const LEVELS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One pino JSON line (already redacted) as a person reads it; anything that is not JSON passes through. */
export function humanLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const { time, level, msg, service: _service, ...fields } = entry;
  const at = typeof time === 'number' ? new Date(time) : new Date();
  const clock = [at.getHours(), at.getMinutes(), at.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
  const pairs = Object.entries(fields).map(([key, value]) => `${key}=${plain(value)}`);
  return `${[clock, LEVELS[level as number] ?? String(level), String(msg ?? ''), ...pairs].join(' ')}\n`;
}

function plain(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
