/**
 * A number as exports write it: 12, -3, 1.5 or 1,5 (the decimal comma of
 * most of Europe), with thousands separators (1.234,56 and 1,234.56, or a
 * space). With both marks present the last one is the decimal mark; with
 * only one, it is the given mark, or in 'auto' a single comma or dot is the
 * decimal mark unless it is repeated (1.234.567 groups thousands).
 */
export type DecimalMark = ',' | '.' | 'auto';

export function parseDecimal(value: string, mark: DecimalMark = 'auto'): number | undefined {
  let text = value.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (!/^[+-]?[0-9.,]*[0-9][0-9.,]*$/.test(text)) return undefined;
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  let decimal: ',' | '.' | undefined;
  if (lastComma >= 0 && lastDot >= 0) decimal = lastComma > lastDot ? ',' : '.';
  else if (mark !== 'auto') decimal = mark;
  else if (lastComma >= 0) decimal = text.indexOf(',') === lastComma ? ',' : undefined;
  else if (lastDot >= 0) decimal = text.indexOf('.') === lastDot ? '.' : undefined;
  const grouping = decimal === ',' ? '.' : ',';
  if (decimal && text.indexOf(decimal) !== text.lastIndexOf(decimal)) return undefined;
  const [whole, fraction] = decimal ? text.split(decimal) : [text, undefined];
  // Thousands groups are three digits each: 1.234.567, never 12.34.
  const groups = whole!.replace(/^[+-]/, '').split(decimal ? grouping : /[.,]/);
  if (groups.length > 1 && (groups[0] === '' || groups.slice(1).some((group) => group.length !== 3))) return undefined;
  if (fraction !== undefined && !/^[0-9]+$/.test(fraction)) return undefined;
  text = `${whole!.replace(/[.,]/g, '')}${fraction !== undefined ? `.${fraction}` : ''}`;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}
