import type { NextFunction, Request, Response } from 'express';
import { render } from '../render';

// %00-%1F and %7F: no path of ours has a control character in it (Node's HTTP parser refuses them unescaped).
const encodedControl = /%(?:[01][0-9a-f]|7f)/i;

/** A path with a control character in it names no page: the 404 page, before any route takes it to the database. */
export function refuseControlCharactersInPath() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!encodedControl.test(req.path)) return next();
    res.status(404);
    render(req, res, 'portal/views/notFound');
  };
}
