import express from 'express';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger';
import { listenOnLoopback } from '../../test/support/listen';
import { accessLog } from './accessLog';

/** Issue 14: the access log, one line per request, without pino-http's child logger per request. */
describe('access log', () => {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const log = createLogger('info', 'web', sink);
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(accessLog(app, log, { ignore: (req) => req.url.startsWith('/static') }));
  app.get('/ok', (_req, res) => res.send('ok'));
  app.get('/static/app.css', (_req, res) => res.type('css').send('body{}'));
  app.get('/broken', (_req, res) => res.status(500).send('broken'));
  app.get('/told', (req, res) => {
    req.log.info({ detail: 42 }, 'route says');
    res.send('told');
  });
  app.get('/slow', (_req, res) => void setTimeout(() => res.headersSent || res.destroyed || res.send('late'), 2000));
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => ({ baseUrl: base, close } = await listenOnLoopback(app)));
  afterAll(() => close());

  const linesFor = (url: string) => lines.filter((line) => line.req?.url === url);

  it('writes a line per answered request: method, URL, address, user agent, status and time; never headers', async () => {
    await fetch(`${base}/ok?x=1`, { headers: { 'user-agent': 'access-test', cookie: 'workshop.sid=s%3Asecret', authorization: 'Bearer secret' } });
    await expect.poll(() => linesFor('/ok?x=1').length).toBe(1);
    const [line] = linesFor('/ok?x=1');
    expect(line).toMatchObject({ level: 30, name: 'web', msg: 'request completed', req: { method: 'GET', url: '/ok?x=1', remoteAddress: '127.0.0.1', userAgent: 'access-test' }, res: { statusCode: 200 } });
    expect(typeof line!.responseTime).toBe('number');
    expect(typeof line!.req.id).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('numbers the requests one after the other', async () => {
    await fetch(`${base}/ok?n=1`);
    await fetch(`${base}/ok?n=2`);
    await expect.poll(() => linesFor('/ok?n=2').length).toBe(1);
    expect(linesFor('/ok?n=2')[0]!.req.id).toBe(linesFor('/ok?n=1')[0]!.req.id + 1);
  });

  it('logs a 5xx answer at error level as an error', async () => {
    await fetch(`${base}/broken`);
    await expect.poll(() => linesFor('/broken').length).toBe(1);
    expect(linesFor('/broken')[0]).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 500 }, err: { message: 'failed with status code 500' } });
  });

  it('gives a route req.log with the request bound, and still one access line', async () => {
    await fetch(`${base}/told`, { headers: { 'user-agent': 'told-test' } });
    await expect.poll(() => linesFor('/told').length).toBe(2);
    const [said, completed] = linesFor('/told');
    expect(said).toMatchObject({ level: 30, msg: 'route says', detail: 42, req: { method: 'GET', url: '/told', userAgent: 'told-test' } });
    expect(completed).toMatchObject({ msg: 'request completed', req: { id: said!.req.id } });
  });

  it('says so once when the client goes away before the answer', async () => {
    const controller = new AbortController();
    const asked = fetch(`${base}/slow`, { signal: controller.signal }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    await asked;
    await expect.poll(() => linesFor('/slow').length).toBe(1);
    expect(linesFor('/slow')[0]).toMatchObject({ level: 40, msg: 'request aborted' });
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect(linesFor('/slow')).toHaveLength(1);
  });

  it('leaves static files out of the log', async () => {
    await fetch(`${base}/static/app.css`);
    await fetch(`${base}/ok?after=static`);
    await expect.poll(() => linesFor('/ok?after=static').length).toBe(1);
    expect(linesFor('/static/app.css')).toEqual([]);
  });
});
