import iconv from 'iconv-lite';
import type { CsvLayout } from './read';

/**
 * The rows that failed, as a file the user fixes in the tool they exported
 * it from and uploads again (P9): the header and each failing record exactly
 * as they came (lib/csv/read.ts keeps each record's text), in the file's own
 * encoding, byte order mark and line break, so the DMS's import dialog or
 * Excel opens it the way it opened the original. Line breaks inside a quoted
 * field are written as the file's line break too: the text kept has LF only.
 */

/** Chunks of about this size are handed on, so a large report is never held whole. */
const chunkChars = 64 * 1024;

export async function* errorCsv(
  layout: Pick<CsvLayout, 'encoding' | 'bom' | 'lineBreak' | 'headerRaw'>,
  raws: Iterable<string> | AsyncIterable<string>,
): AsyncGenerator<Buffer> {
  const asWritten = (raw: string) => raw.replace(/\n/g, layout.lineBreak) + layout.lineBreak;
  let pending = asWritten(layout.headerRaw);
  let first = true;
  const encode = (text: string) => {
    // iconv-lite writes a BOM for any Unicode encoding when asked, and only on the first chunk.
    const bytes = iconv.encode(text, layout.encoding, { addBOM: first && layout.bom });
    first = false;
    return bytes;
  };
  for await (const raw of raws) {
    pending += asWritten(raw);
    if (pending.length >= chunkChars) {
      yield encode(pending);
      pending = '';
    }
  }
  if (pending !== '' || first) yield encode(pending);
}
