import type { Request } from 'express';

/**
 * `load` run once per request, however often it is asked: an upload's gate
 * (web/app.ts) and its route both load the same portal, job or check-in,
 * and the second answer is the first one's (refusals included: a refused
 * gate never lets the route run).
 */
export function oncePerRequest<Args extends unknown[], T>(load: (req: Request, ...args: Args) => Promise<T>): (req: Request, ...args: Args) => Promise<T> {
  // On the request itself, not in a WeakMap: a WeakMap entry whose key dies young is dropped only by a full
  // collection, and it keeps its value (the answer) alive until then (README, Performance).
  const loaded = Symbol('loaded once per request');
  return (req, ...args) => ((req as Request & { [loaded]?: Promise<T> })[loaded] ??= load(req, ...args));
}
