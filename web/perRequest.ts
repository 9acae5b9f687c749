import type { Request } from 'express';

/**
 * `load` run once per request, however often it is asked: an upload's gate
 * (web/app.ts) and its route both load the same portal, job or check-in,
 * and the second answer is the first one's (refusals included: a refused
 * gate never lets the route run).
 */
export function oncePerRequest<Args extends unknown[], T>(load: (req: Request, ...args: Args) => Promise<T>): (req: Request, ...args: Args) => Promise<T> {
  const loaded = new WeakMap<Request, Promise<T>>();
  return (req, ...args) => {
    let answer = loaded.get(req);
    if (!answer) loaded.set(req, (answer = load(req, ...args)));
    return answer;
  };
}
