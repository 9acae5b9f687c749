/**
 * The file's text cut into records the way csv-parse will cut it, one step
 * ahead of the parser (lib/csv/read.ts), for two things the parser cannot do:
 * - keep each record's original text (the error file, lib/csv/errorFile.ts,
 *   writes failing rows back as they were);
 * - step over a record larger than the limit. csv-parse refuses such a
 *   record but never finds its end (it drops the rest of each chunk), so one
 *   10 MB field would cost every row after it. Here the record is held back
 *   (reported once) and only its line breaks reach the parser, as blank
 *   lines, so the lines after it keep their numbers and are read.
 *
 * The quoting rules are csv-parse's strict ones: a quote opens a quoted field
 * only at the field's start, "" inside it is a quote, and a quote closes it
 * only before a separator, a line break or the end (a quote before anything
 * else leaves the field open, as the parser does, reporting it).
 */

/** One record as written: where it starts and ends in the file, its text (LF line breaks, without the line break that ends it). */
export interface RecordText {
  line: number;
  endLine: number;
  raw: string;
}

export interface RecordCallbacks {
  /** each record that reaches the parser, in order, before the parser sees it */
  record: (record: RecordText) => void;
  /** a record over the limit, once it ends (or the file does): `raw` is its first `maxChars` characters */
  tooLarge: (record: RecordText) => void;
}

/** Where the scan is between characters; kept across chunks. */
interface ScanState {
  quoting: boolean;
  fieldStart: boolean;
  /** a quote seen inside a quoted field, the next character deciding what it was */
  pendingQuote: boolean;
}

/**
 * The text chunks for the parser: every record under `maxChars` characters
 * unchanged, every one over it replaced by its line breaks.
 */
export async function* guardRecords(chunks: AsyncIterable<string>, separator: string, maxChars: number, on: RecordCallbacks): AsyncGenerator<string> {
  const state: ScanState = { quoting: false, fieldStart: true, pendingQuote: false };
  let line = 1;
  let start = 1; // the line the current record started on
  let held = ''; // the current record's text so far (at most maxChars + one chunk)
  let oversized = false;
  let breaks = 0; // line breaks inside the current record
  let inRecord = false;

  const endRecord = (terminated: boolean): string => {
    // A quote left open runs to the end of the file: the file's last line break then ends the record, as it ends every other.
    const trailing = !terminated && !oversized && held.endsWith('\n') ? 1 : 0;
    const raw = oversized ? held.slice(0, maxChars) : held.slice(0, held.length - trailing);
    const record = { line: start, endLine: start + breaks - trailing, raw };
    const passed = oversized ? '\n'.repeat(breaks) + (terminated ? '\n' : '') : held + (terminated ? '\n' : '');
    if (oversized) on.tooLarge(record);
    else on.record(record);
    line = start + breaks + (terminated ? 1 : 0);
    held = '';
    oversized = false;
    breaks = 0;
    inRecord = false;
    Object.assign(state, { quoting: false, fieldStart: true, pendingQuote: false });
    return passed;
  };

  for await (const chunk of chunks) {
    let out = '';
    let from = 0; // the start of the part of `chunk` not yet added to `held`
    const keep = (to: number) => {
      if (!oversized) {
        held += chunk.slice(from, to);
        if (held.length > maxChars) oversized = true;
      }
      from = to;
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (!inRecord) {
        if (c === '\n') {
          out += '\n'; // a blank line: the parser passes over it
          line++;
          from = i + 1;
          continue;
        }
        inRecord = true;
        start = line;
      }
      if (state.pendingQuote) {
        state.pendingQuote = false;
        if (c === '"') continue; // "" inside quotes
        if (c === separator || c === '\n') state.quoting = false;
      }
      if (state.quoting) {
        if (c === '"') state.pendingQuote = true;
        else if (c === '\n') breaks++;
        continue;
      }
      if (c === '\n') {
        keep(i);
        from = i + 1;
        out += endRecord(true);
        continue;
      }
      state.quoting = c === '"' && state.fieldStart;
      state.fieldStart = c === separator;
    }
    if (inRecord) keep(chunk.length);
    from = chunk.length;
    if (out) yield out;
  }
  if (inRecord) {
    const rest = endRecord(false);
    if (rest) yield rest;
  }
}
