import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on standard output. Written asynchronously: under load the lines
 * of many requests go out in one write instead of a write per line, and a
 * quiet process still writes each line at once (no waiting for a buffer to
 * fill). pino flushes what is left synchronously when the process exits.
 */
export function createLogger(level: string, name: string, destination: DestinationStream = pino.destination({ dest: 1, sync: false })): Logger {
  return pino({ level, name }, destination);
}

type LoggedRequest = IncomingMessage & { id?: unknown; ip?: string; originalUrl?: string };

/**
 * What the access log (web/middleware/accessLog.ts) says of a request and
 * its answer: no headers, so neither cookies nor API keys reach the log, and
 * serializing a request is a few fields instead of every header.
 */
export const accessLogSerializers = {
  req: (req: LoggedRequest) => ({
    id: req.id,
    method: req.method,
    url: req.originalUrl ?? req.url,
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
    userAgent: req.headers['user-agent'],
  }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
};
