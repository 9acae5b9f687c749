import type { Express } from 'express';
import { BoundedMap } from '../lib/boundedMap';

type Trust = (address: string | undefined, hop: number) => boolean;

/**
 * Express's compiled `trust proxy` function (app.set('trust proxy', …)),
 * remembering its answer for the socket's peer, the hop-0 address of every
 * `req.protocol`, `req.secure`, `req.ip` and `req.hostname`. Each answer
 * parsed the address with ipaddr.js and matched it against every trusted
 * subnet: about 20 µs on every staff page (express-session asks whether the
 * request is secure before it sets its cookie). Peers are the proxies in
 * front, or the clients themselves without one, so the memo starts over
 * at 1,000 addresses; hops beyond the peer (what X-Forwarded-For names,
 * which any client can write) are asked afresh each time. The answers are
 * the same: the function only depends on the address and the hop.
 */
export function rememberPeerTrust(app: Express): void {
  const trust = app.get('trust proxy fn') as Trust;
  const peers = new BoundedMap<string, boolean>(1_000);
  const remembering: Trust = (address, hop) => {
    if (hop !== 0 || address === undefined) return trust(address, hop);
    let trusted = peers.get(address);
    if (trusted === undefined) peers.set(address, (trusted = trust(address, hop)));
    return trusted;
  };
  app.set('trust proxy fn', remembering);
}
