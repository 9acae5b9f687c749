import type { Express, NextFunction, Request, Response } from 'express';
import { accessLogSerializers, type Logger } from '../../lib/logger';

declare module 'http' {
  interface IncomingMessage {
    /** This request's number in the access log (counts up per process). */
    id: number;
    /** The process's logger with this request's fields (the access log's `req`) bound: made on first use. */
    log: Logger;
  }
}

const maxId = 2147483647;
const child = Symbol('request logger');

/**
 * The access log: one line per request once its answer is sent (or the
 * client went away first), with the request's method, URL, client address
 * and user agent, the status and the time taken; never headers, so neither
 * cookies nor API keys reach the log. The line is pino-http's (`request
 * completed`, `request errored` at error level for a 5xx), written by pino
 * without a child logger per request: pino-http made one for every request,
 * serializing the request into it (about 5 % of the portal home's
 * throughput; README, Performance). A route that logs through `req.log`
 * gets that child when it first asks for it.
 */
export function accessLog(app: Express, log: Logger, { ignore }: { ignore?: (req: Request) => boolean } = {}) {
  // On the app's request prototype, once: an accessor defined on each request gave each a hidden class of its own.
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: Request & { [child]?: Logger }) {
      return (this[child] ??= log.child({ req: accessLogSerializers.req(this) }));
    },
  });
  let lastId = 0;
  return (req: Request, res: Response, next: NextFunction) => {
    req.id = lastId = (lastId + 1) & maxId;
    if (ignore?.(req)) return next();
    const started = performance.now();
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      const fields = { req: accessLogSerializers.req(req), res: accessLogSerializers.res(res), responseTime: Math.round(performance.now() - started) };
      if (!res.writableFinished) log.warn(fields, 'request aborted');
      else if (res.statusCode >= 500) log.error({ ...fields, err: new Error(`failed with status code ${res.statusCode}`) }, 'request errored');
      else log.info(fields, 'request completed');
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
