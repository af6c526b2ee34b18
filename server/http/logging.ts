// Fastify's logger settings: no cookies, no passwords, no full ID or phone numbers in any line.
import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { redactPii } from '../../shared/validators/mask.ts';
import type { LogLevel } from '../config.ts';

export function loggerOptions(level: LogLevel, stream?: DestinationStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.newPassword', '*.currentPassword'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method, url: redactPii(req.url), ip: req.ip, id: req.id,
      }),
    },
    hooks: {
      // Messages may quote user input; mask before they are written.
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactPii(a) : a)) as Parameters<typeof method>);
      },
    },
  };
}
