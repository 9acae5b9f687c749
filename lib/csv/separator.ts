export const separators = [',', ';', '\t'] as const;
export type Separator = (typeof separators)[number];

/** How forms and settings write a separator: a tab is the word 'tab' (a tab character does not survive a form). */
export type SeparatorSetting = 'auto' | ',' | ';' | 'tab';

export const separatorOfSetting = (setting: SeparatorSetting): Separator | 'auto' => (setting === 'tab' ? '\t' : setting);
export const settingOfSeparator = (separator: Separator | 'auto' | undefined): SeparatorSetting => (separator === '\t' ? 'tab' : (separator ?? 'auto'));

/** Per line of `sample` (up to `maxLines` records), how often `separator` occurs outside quotes. */
function countsPerRecord(sample: string, separator: Separator, maxLines: number): number[] {
  const counts: number[] = [];
  let count = 0;
  let quoted = false;
  for (let i = 0; i < sample.length && counts.length < maxLines; i++) {
    const c = sample[i];
    if (c === '"') quoted = !quoted; // a doubled quote inside quotes toggles twice: no change
    else if (!quoted && c === separator) count++;
    else if (!quoted && c === '\n') {
      counts.push(count);
      count = 0;
    }
  }
  // The last line counts only when it is complete or the sample is the whole file.
  if (count > 0 && counts.length < maxLines) counts.push(count);
  return counts;
}

/**
 * The separator of a CSV file from its first lines: the candidate that
 * occurs the same number of times (at least once) on the most lines,
 * starting with the header; more occurrences win a tie (a semicolon file
 * whose amounts have decimal commas has more semicolons per line than it is
 * inconsistent in commas). Undefined when no candidate occurs in the header
 * (a file of one column, or no CSV at all).
 */
export function detectSeparator(sample: string, maxLines = 20): Separator | undefined {
  let best: { separator: Separator; agreeing: number; perLine: number } | undefined;
  for (const separator of separators) {
    const counts = countsPerRecord(sample, separator, maxLines);
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const agreeing = counts.filter((count) => count === header).length;
    if (!best || agreeing > best.agreeing || (agreeing === best.agreeing && header > best.perLine)) {
      best = { separator, agreeing, perLine: header };
    }
  }
  return best?.separator;
}
