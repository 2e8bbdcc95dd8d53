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
