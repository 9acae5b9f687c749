import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import { CsvFileError } from './errors';

/** The encodings real exports come in: Excel "CSV UTF-8" (with a BOM), "Unicode text" (UTF-16 LE), older Excel (Windows-1252). */
export const encodings = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type Encoding = (typeof encodings)[number];

export interface DetectedEncoding {
  encoding: Encoding;
  /** the file starts with a byte order mark (skipped when decoding) */
  bom: boolean;
}

/** The encoding a byte order mark names, if the bytes start with one. */
export function bomEncoding(head: Uint8Array): Encoding | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * UTF-16 without a byte order mark: text in Latin script has a zero byte in
 * nearly every other position (odd ones for LE, even ones for BE).
 */
function utf16WithoutBom(head: Uint8Array): Encoding | undefined {
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/**
 * Reads the whole file once (never holding it) to tell its encoding: a byte
 * order mark decides; otherwise UTF-8 when every byte sequence is valid
 * UTF-8, else Windows-1252. A file with zero bytes in it that is not UTF-16
 * is no text file.
 */
export async function detectEncoding(chunks: AsyncIterable<Uint8Array>): Promise<DetectedEncoding> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let validUtf8 = true;
  let total = 0;
  let decided: DetectedEncoding | undefined;
  // The first bytes (a BOM, the zero bytes of UTF-16) are looked at together, however the file is chunked.
  const headParts: Uint8Array[] = [];
  let headBytes = 0;
  const look = (chunk: Uint8Array) => {
    total += chunk.length;
    if (chunk.includes(0)) throw new CsvFileError('binary', 'the file holds zero bytes: it is no text (CSV) file');
    if (!validUtf8) return;
    try {
      utf8.decode(chunk, { stream: true });
    } catch {
      validUtf8 = false;
    }
  };
  for await (const chunk of chunks) {
    if (decided) {
      look(chunk);
      continue;
    }
    headParts.push(chunk);
    headBytes += chunk.length;
    if (headBytes < 4096) continue;
    const head = Buffer.concat(headParts);
    const named = bomEncoding(head);
    const encoding = named ?? utf16WithoutBom(head);
    // A UTF-16 file says so in its first bytes: nothing more to learn from the rest.
    if (encoding?.startsWith('utf-16')) return { encoding, bom: named !== undefined };
    decided = { encoding: 'utf-8', bom: named !== undefined };
    look(head);
  }
  if (!decided) {
    const head = Buffer.concat(headParts);
    if (head.length === 0) throw new CsvFileError('empty', 'the file is empty');
    const named = bomEncoding(head);
    const encoding = named ?? utf16WithoutBom(head);
    if (encoding?.startsWith('utf-16')) return { encoding, bom: named !== undefined };
    decided = { encoding: 'utf-8', bom: named !== undefined };
    look(head);
  }
  if (total === 0) throw new CsvFileError('empty', 'the file is empty');
  if (validUtf8) {
    try {
      utf8.decode(); // a sequence cut at the very end
    } catch {
      validUtf8 = false;
    }
  }
  if (decided.bom) return decided;
  return { encoding: validUtf8 ? 'utf-8' : 'windows-1252', bom: false };
}

/** The line break a file uses, to write its failing rows back the same way (a lone CR, as old Macs wrote, counts as CRLF). */
export type LineBreak = '\r\n' | '\n';

/**
 * Bytes in, text out with LF line breaks only (CRLF and lone CR become LF,
 * also when a CRLF is split between two chunks), the byte order mark dropped.
 * The parser then counts lines the way an editor shows them. `sawLineBreak`
 * hears the first line break the file has, as it was written.
 */
export function decodeToText(encoding: Encoding, sawLineBreak?: (lineBreak: LineBreak) => void): [NodeJS.ReadWriteStream, Transform] {
  const decoder = iconv.decodeStream(encoding, { stripBOM: true });
  let pendingCr = false;
  let told = sawLineBreak === undefined;
  const tell = (lineBreak: LineBreak) => {
    if (!told) sawLineBreak!(lineBreak);
    told = true;
  };
  const lineBreaks = new Transform({
    readableObjectMode: false,
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string | Buffer, _enc: BufferEncoding, done: TransformCallback) {
      let text = (pendingCr ? '\r' : '') + chunk.toString();
      pendingCr = text.endsWith('\r');
      if (pendingCr) text = text.slice(0, -1);
      if (!told) {
        // A CR at the chunk's end is held back: the next chunk tells whether an LF follows it.
        const first = /\r\n?|\n/.exec(text);
        if (first) tell(first[0] === '\n' ? '\n' : '\r\n');
      }
      done(null, text.replace(/\r\n?/g, '\n'));
    },
    flush(done: TransformCallback) {
      if (pendingCr) tell('\r\n');
      done(null, pendingCr ? '\n' : '');
    },
  });
  return [decoder, lineBreaks];
}

/** Decodes a small buffer at once (tests, the first lines for separator detection). */
export function decodeText(bytes: Uint8Array, encoding: Encoding): string {
  return iconv.decode(Buffer.from(bytes), encoding, { stripBOM: true }).replace(/\r\n?/g, '\n');
}
