import type { Express } from 'express';
import type { AddressInfo } from 'node:net';

/** An app of a test on a free loopback port: its base URL, and how to stop it. */
export async function listenOnLoopback(app: Express): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
