/**
 * What can be wrong with a CSV file as a whole (it cannot be read at all) and
 * with one of its rows. Both carry a code the UI translates (imports.file.<code>,
 * imports.reasons.<code>) and a detail for a developer; neither is ever a 500.
 */
export type CsvFileErrorCode =
  | 'empty'
  | 'unreadable'
  | 'binary'
  | 'noRows'
  | 'missingColumns'
  | 'duplicateColumns'
  | 'ambiguousDates'
  | 'badEncoding';

export class CsvFileError extends Error {
  constructor(
    readonly code: CsvFileErrorCode,
    message: string,
    /** the columns or fields concerned, for the message */
    readonly columns: string[] = [],
    /** the file's headers, when its header line was read (so a preview can offer them for mapping) */
    readonly headers: string[] = [],
  ) {
    super(message);
    this.name = 'CsvFileError';
  }
}

/** Why one row (or a run of lines the parser could not read) is not imported. */
export type RowReason =
  | 'columnCount'
  | 'unclosedQuote'
  | 'recordTooLarge'
  | 'badQuote'
  | 'required'
  | 'invalidDate'
  | 'invalidTime'
  | 'invalidNumber'
  | 'invalidEmail'
  | 'invalidVin'
  | 'vinCheckDigit'
  | 'invalidPhone'
  | 'inFuture'
  | 'unknownCustomer'
  | 'tooLong'
  | 'invalid'
  | 'duplicateInFile'
  | 'unknownLocation'
  | 'refused';

export interface RowError {
  /** the file's line where the row starts (1 = the header) */
  line: number;
  /** the column's header as written in the file, or null when the whole row is concerned */
  column: string | null;
  reason: RowReason;
  /** the value or the parser's own words, for the report (never shown untranslated alone) */
  detail?: string;
  /** the row as written (LF line breaks, at most maxRecordBytes characters), for the file of failing rows (lib/csv/errorFile.ts) */
  raw?: string;
}
