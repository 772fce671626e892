import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** The process logger: JSON lines on stdout, secrets redacted wherever they appear in bound objects. */
export function createLogger(level: LevelWithSilent): Logger {
  return pino({
    level,
    base: { service: 'creatorflow' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-tts-access-token"]',
        'access_token',
        'refresh_token',
        '*.access_token',
        '*.refresh_token',
      ],
      censor: '[redacted]',
    },
  });
}
