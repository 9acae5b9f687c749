import path from 'node:path';
import { Eta } from 'eta';

const views = path.join(import.meta.dirname, 'templates');

/**
 * The e-mail templates (activities/mail/templates): `*Html.eta` escaped for
 * HTML, `*Text.eta` not, since a plain-text part is read as written
 * (D'Hondt stays D'Hondt, not D&#39;Hondt). autoTrim off: the text keeps
 * its blank lines.
 */
const html = new Eta({ views, cache: true, autoEscape: true, autoTrim: false });
const text = new Eta({ views, cache: true, autoEscape: false, autoTrim: false });

export function renderMailHtml(name: `${string}Html`, data: object): string {
  return html.render(name, data);
}

export function renderMailText(name: `${string}Text`, data: object): string {
  return text.render(name, data);
}
