import { Eta } from 'eta';
import { fromRoot } from '../../lib/appRoot';
import { linkify } from '../../lib/templates';

const views = fromRoot('activities', 'mail', 'templates');

/**
 * The HTML layout of every e-mail to a customer (activities/mail/templates/
 * messageHtml.eta): the words come from the template system (lib/templates.ts),
 * already filled in; the layout only escapes them, keeps their line breaks
 * and links the links. The plain-text part is the text itself, as written.
 */
const html = new Eta({ views, cache: true, autoEscape: true, autoTrim: false });

export function renderMailHtml(text: string, language: string): string {
  return html.render('messageHtml', { lang: language, paragraphs: text.split(/\n{2,}/).map(linkify) });
}
