import express from 'express';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../test/support/listen';
import { sendHtml } from './render';

/** Issue 14: a rendered page is written as Express's send would write it (type, length, HEAD), with less copying. */
describe('sendHtml', () => {
  // Multi-byte text: its length in bytes is not its length in characters.
  const small = '<p>Bonjour, ça coûte 12 € 🚗</p>';
  const large = `<p>${'é'.repeat(150_000)}</p>`;
  const app = express();
  app.set('etag', false);
  app.get('/small', (req, res) => sendHtml(req, res, small));
  app.get('/large', (req, res) => sendHtml(req, res, large));
  app.get('/missing', (req, res) => sendHtml(req, res.status(404), small));
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => ({ baseUrl: base, close } = await listenOnLoopback(app)));
  afterAll(() => close());

  /** The raw answer: status, headers and body bytes as they came over the socket. */
  const answer = (path: string, method = 'GET') =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .request(`${base}${path}`, { method }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject)
        .end();
    });

  it.each([
    ['/small', small],
    ['/large', large],
  ])('%s: the page as UTF-8 HTML with its length in bytes, no ETag', async (path, html) => {
    const { status, headers, body } = await answer(path);
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Number(headers['content-length'])).toBe(Buffer.byteLength(html));
    expect(Number(headers['content-length'])).toBeGreaterThan(html.length);
    expect(headers.etag).toBeUndefined();
    expect(body.toString('utf8')).toBe(html);
  });

  it('HEAD: the length of the page, no body', async () => {
    const { status, headers, body } = await answer('/small', 'HEAD');
    expect(status).toBe(200);
    expect(Number(headers['content-length'])).toBe(Buffer.byteLength(small));
    expect(body.length).toBe(0);
  });

  it('keeps the status the route set', async () => {
    const { status, body } = await answer('/missing');
    expect(status).toBe(404);
    expect(body.toString('utf8')).toBe(small);
  });
});
