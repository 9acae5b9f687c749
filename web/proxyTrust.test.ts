import express from 'express';
import { describe, expect, it } from 'vitest';
import { rememberPeerTrust } from './proxyTrust';

type Trust = (address: string | undefined, hop: number) => boolean;

/** Issue 14: the peer's trust answered once per address, with the same answers as Express's own function. */
describe('rememberPeerTrust', () => {
  const appTrusting = (setting: string | number | false) => {
    const app = express();
    app.set('trust proxy', setting);
    const original = app.get('trust proxy fn') as Trust;
    const asked: [string | undefined, number][] = [];
    app.set('trust proxy fn', ((address, hop) => (asked.push([address, hop]), original(address, hop))) satisfies Trust);
    rememberPeerTrust(app);
    return { trust: app.get('trust proxy fn') as Trust, original, asked };
  };

  it('answers as Express does, for peers and for the hops behind them', () => {
    for (const setting of ['loopback', '10.0.0.0/8, 192.168.1.5', 2, false] as const) {
      const { trust, original } = appTrusting(setting);
      for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.1.2.3', '192.168.1.5', '192.168.1.6', '203.0.113.7', 'not an address', undefined]) {
        for (const hop of [0, 1, 2]) {
          expect(trust(address, hop), `${String(setting)} ${address} ${hop}`).toBe(original(address, hop));
          expect(trust(address, hop), `${String(setting)} ${address} ${hop}, again`).toBe(original(address, hop));
        }
      }
    }
  });

  it('asks Express once per peer address, and every time for the hops behind it', () => {
    const { trust, asked } = appTrusting('loopback');
    for (let i = 0; i < 5; i++) {
      expect(trust('127.0.0.1', 0)).toBe(true);
      expect(trust('203.0.113.7', 0)).toBe(false);
      trust('198.51.100.1', 1);
    }
    expect(asked.filter(([, hop]) => hop === 0)).toEqual([
      ['127.0.0.1', 0],
      ['203.0.113.7', 0],
    ]);
    expect(asked.filter(([, hop]) => hop === 1)).toHaveLength(5);
  });

  it('forgets its peers once it holds a thousand, and still answers right', () => {
    const { trust, asked } = appTrusting('loopback');
    for (let i = 0; i < 1001; i++) trust(`203.0.${i >> 8}.${i & 255}`, 0);
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('203.0.0.0', 0)).toBe(false);
    expect(asked.filter(([address]) => address === '203.0.0.0')).toHaveLength(2);
  });
});
