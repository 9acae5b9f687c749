import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a stand-in received, its JSON body parsed (null when it had none). */
export interface Received<Body = unknown> {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Body;
}

/** How a stand-in answers a request; `attempt` counts the requests it received, this one included. */
export type Answer = (res: ServerResponse, attempt: number) => void;

/** An answer with a JSON body. */
export const json =
  (status: number, body: unknown): Answer =>
  (res) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

export type StandIn<Body = unknown> = Awaited<ReturnType<typeof startStandIn<Body>>>;

/**
 * A stand-in for a provider's HTTP API (an SMS gateway, the WhatsApp Cloud
 * API) on loopback: records each request and answers as the test tells it.
 * `url` is its address with `path`, as the provider's settings take it.
 */
export async function startStandIn<Body = unknown>(path: string, answer: Answer = json(200, {})) {
  const received: Received<Body>[] = [];
  let current = answer;
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: JSON.parse(raw || 'null') });
      current(res, received.length);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    /** Answers the next requests so. */
    answer(next: Answer) {
      current = next;
    },
    /** Drops the connections still open, such as those of requests it never answered. */
    dropConnections: () => server.closeAllConnections(),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
