import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { Encoding } from './decode';
import { dmsCustomerFields, dmsCustomerRowSchema, dmsCustomerSampleCsv, dmsVehicleFields, dmsVehicleRowSchema, dmsVehicleSampleCsv } from './dms';
import { CsvFileError, type RowError } from './errors';
import { errorCsv } from './errorFile';
import { mapHeaders, type FieldSpec } from './headers';
import { csvBatches, inspectCsv, type CsvOptions, type CsvRow, type OpenBytes } from './read';

/** The bytes in chunks of `size`, as a file read from disk would come. */
const bytes = (content: Buffer | string, size = 4096): OpenBytes => {
  const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return async function* () {
    for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
  };
};

const boms: Partial<Record<Encoding, Buffer>> = { 'utf-8': Buffer.from([0xef, 0xbb, 0xbf]), 'utf-16le': Buffer.from([0xff, 0xfe]), 'utf-16be': Buffer.from([0xfe, 0xff]) };
const encoded = (text: string, encoding: Encoding, bom: boolean) => Buffer.concat([bom ? boms[encoding]! : Buffer.alloc(0), iconv.encode(text, encoding)]);

async function readAs<T>(open: OpenBytes, fields: FieldSpec[], schema: import('zod').ZodType<T>, options: CsvOptions = {}) {
  const layout = await inspectCsv(open, fields, options);
  const rows: CsvRow<T>[] = [];
  const errors: RowError[] = [];
  for await (const batch of csvBatches(open, layout, fields, schema, { uniqueField: 'dms_id', batchSize: 3 })) {
    rows.push(...batch.rows);
    errors.push(...batch.errors);
  }
  return { layout, rows, errors };
}
const customers = (open: OpenBytes, options?: CsvOptions) => readAs(open, dmsCustomerFields, dmsCustomerRowSchema, options);
const vehicles = (open: OpenBytes, options?: CsvOptions) => readAs(open, dmsVehicleFields, dmsVehicleRowSchema, options);

async function fileError(run: Promise<unknown>): Promise<CsvFileError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof CsvFileError) return error;
    throw error;
  }
  throw new Error('no file error');
}
const brief = (errors: RowError[]) => errors.map(({ line, column, reason }) => ({ line, column, reason }));

describe('the DMS customer and vehicle CSVs (lib/csv/dms.ts, P9)', () => {
  it('the samples read with no errors, as the master takes them', async () => {
    const c = await customers(bytes(dmsCustomerSampleCsv()));
    expect(c.errors).toEqual([]);
    expect(c.layout).toMatchObject({ encoding: 'utf-8', bom: true, separator: ';', lineBreak: '\r\n' });
    expect(c.rows.map((row) => row.value)).toEqual([
      { dms_id: 'K-1001', first_name: 'Eva', last_name: 'Jacobs', email: 'eva.jacobs@example.com', phone: '+32 470 12 34 56', phone_normalized: '+32470123456', street: 'Kerkstraat 12', postal_code: '9000', city: 'Gent', language: 'nl' },
      { dms_id: 'K-1002', last_name: 'Garage Peeters; Zonen', email: 'info@peeters.example', phone: '0470 65 43 21', phone_normalized: '+32470654321', street: 'Rue de la Gare 5, bus 2', postal_code: '1000', city: 'Bruxelles', language: 'fr' },
      { dms_id: 'K-1003', first_name: 'Jonas', last_name: 'Schmidt', language: 'de' },
    ]);
    const v = await vehicles(bytes(dmsVehicleSampleCsv()));
    expect(v.errors).toEqual([]);
    expect(v.layout.dateOrders).toEqual({ first_registration: 'dmy' });
    expect(v.rows.map((row) => row.value)).toEqual([
      { dms_id: 'V-2001', plate: '1-ABC-123', plate_normalized: '1ABC123', vin: 'WVWZZZ1KZAW000123', make: 'Volkswagen', model: 'Golf', first_registration: '2019-03-23', mileage_km: 84513, customer_dms_id: 'K-1001' },
      { dms_id: 'V-2002', plate: '2-XYZ-987', plate_normalized: '2XYZ987', make: 'Peugeot', model: '308 SW; GT Line', first_registration: '2021-11-05', mileage_km: 31250, customer_dms_id: 'K-1002' },
      { dms_id: 'V-2003', vin: '1HGCM82633A004352', make: 'Honda', model: 'Accord', first_registration: '2003-06-14', customer_dms_id: 'K-1003' },
    ]);
  });

  it('headers in English, Dutch, French and German; the vehicle file\'s customer number is the owner, not the vehicle', () => {
    const fieldsOf = (headers: string[], fields: FieldSpec[]) => mapHeaders(headers, fields).columns;
    const customerFields = ['dms_id', 'first_name', 'last_name', 'company', 'email', 'phone', 'mobile', 'street', 'postal_code', 'city', 'language'];
    for (const headers of [
      ['Customer number', 'First name', 'Last name', 'Company', 'E-mail', 'Phone', 'Mobile phone', 'Address', 'Postcode', 'Town', 'Language'],
      ['Klantnummer', 'Voornaam', 'Achternaam', 'Bedrijf', 'E-mailadres', 'Telefoon', 'GSM', 'Straat', 'Postcode', 'Gemeente', 'Taal'],
      ['Numéro client', 'Prénom', 'Nom', 'Société', 'Courriel', 'Téléphone', 'Portable', 'Rue', 'Code postal', 'Localité', 'Langue'],
      ['Kundennummer', 'Vorname', 'Nachname', 'Firma', 'E-Mail', 'Telefon', 'Handy', 'Straße', 'PLZ', 'Ort', 'Sprache'],
      ['Debiteur', 'Voornaam', 'Naam', 'Firmanaam', 'Mail', 'Tel', 'Mobiel', 'Adres', 'Postcode', 'Woonplaats', 'Taal'],
    ]) {
      expect(Object.keys(fieldsOf(headers, dmsCustomerFields)).sort(), headers[0]).toEqual([...customerFields].sort());
    }
    const vehicleFields = ['dms_id', 'plate', 'vin', 'make', 'model', 'first_registration', 'mileage', 'customer_dms_id'];
    for (const headers of [
      ['Vehicle id', 'Licence plate', 'VIN', 'Make', 'Model', 'First registration', 'Odometer', 'Customer number'],
      ['Voertuignummer', 'Nummerplaat', 'Chassisnummer', 'Merk', 'Model', 'Eerste inschrijving', 'Kilometerstand', 'Klantnummer'],
      ['N° véhicule', "Plaque d'immatriculation", 'Numéro de châssis', 'Marque', 'Modèle', '1ère immatriculation', 'Kilométrage', 'Numéro client'],
      ['Fahrzeugnummer', 'Kennzeichen', 'Fahrgestellnummer', 'Marke', 'Modell', 'Erstzulassung', 'Kilometerstand', 'Kundennummer'],
    ]) {
      const columns = fieldsOf(headers, dmsVehicleFields);
      expect(Object.keys(columns).sort(), headers[0]).toEqual([...vehicleFields].sort());
      expect(columns.dms_id).toBe(0);
      expect(columns.customer_dms_id).toBe(7);
    }
  });

  it('every accepted encoding: UTF-8 with and without BOM, UTF-16 LE and BE with BOM, Windows-1252 with é and ß', async () => {
    const text = 'Kundennummer;Vorname;Nachname;Ort\r\nK1;José;Weiß;Liège\r\n';
    for (const [encoding, bom] of [['utf-8', false], ['utf-8', true], ['utf-16le', true], ['utf-16be', true], ['windows-1252', false]] as [Encoding, boolean][]) {
      const { layout, rows, errors } = await customers(bytes(encoded(text, encoding, bom), 5));
      expect(layout, encoding).toMatchObject({ encoding, bom });
      expect(errors).toEqual([]);
      expect(rows.map((row) => row.value)).toEqual([{ dms_id: 'K1', first_name: 'José', last_name: 'Weiß', city: 'Liège' }]);
    }
  });

  it('each separator (comma, semicolon, tab), CRLF or LF, quoted separators and line breaks', async () => {
    for (const separator of [',', ';', '\t']) {
      for (const lineBreak of ['\r\n', '\n']) {
        const line = (cells: string[]) => cells.map((cell) => (/[,;\t\n"]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(separator);
        const text = [line(['klantnummer', 'naam', 'straat', 'gemeente']), line(['1', 'De "Smet", Jan', `Kerkstraat 1${lineBreak}(achterdeur)`, 'Gent; Centrum']), line(['2', 'Peeters', '', 'Aalst'])].join(lineBreak) + lineBreak;
        const { layout, rows, errors } = await customers(bytes(text, 3));
        expect(layout).toMatchObject({ separator, lineBreak });
        expect(errors).toEqual([]);
        expect(rows.map((row) => [row.line, row.value])).toEqual([
          [2, { dms_id: '1', last_name: 'De "Smet", Jan', street: 'Kerkstraat 1\n(achterdeur)', city: 'Gent; Centrum' }],
          [4, { dms_id: '2', last_name: 'Peeters', city: 'Aalst' }],
        ]);
      }
    }
  });

  it('dates dd/mm/yyyy, dd.mm.yyyy and ISO; a column that reads both ways asks (ambiguousDates), the order given answers', async () => {
    const file = (dates: string[]) => bytes(['voertuignummer;kenteken;eerste inschrijving', ...dates.map((date, i) => `V${i};1-AB-${100 + i};${date}`)].join('\n'));
    for (const dates of [['23/03/2019', '05/11/2021'], ['23.03.2019', '05.11.2021'], ['2019-03-23', '2021-11-05']]) {
      const { rows, errors } = await vehicles(file(dates));
      expect(errors).toEqual([]);
      expect(rows.map((row) => row.value.first_registration)).toEqual(['2019-03-23', '2021-11-05']);
    }
    expect(await fileError(vehicles(file(['03/04/2019', '05/11/2021'])))).toMatchObject({ code: 'ambiguousDates', columns: ['eerste inschrijving'] });
    const { rows } = await vehicles(file(['03/04/2019', '05/11/2021']), { dateOrder: 'mdy' });
    expect(rows.map((row) => row.value.first_registration)).toEqual(['2019-03-04', '2021-05-11']);
  });

  it('mileage with a decimal comma and thousands dots, or a decimal point, in whole kilometres', async () => {
    const { rows, errors } = await vehicles(bytes('vehicle id;plate;km\nV1;1-AB-100;1.234,5\nV2;1-AB-101;1234.4\nV3;1-AB-102;84512\nV4;1-AB-103;-5\nV5;1-AB-104;veel\n'));
    expect(rows.map((row) => row.value.mileage_km)).toEqual([1235, 1234, 84512]);
    expect(brief(errors)).toEqual([
      { line: 5, column: 'km', reason: 'invalidNumber' },
      { line: 6, column: 'km', reason: 'invalidNumber' },
    ]);
  });

  it('customer rules: a name (person or company), a phone that is one (the mobile when no phone), e-mail lower-cased, languages in words', async () => {
    const csv = [
      'klantnummer;voornaam;naam;bedrijf;e-mail;telefoon;gsm;taal',
      'K1;;;Garage Smet;INFO@Smet.Example;;0470 12 34 56;Nederlands',
      'K2;;;;;;;',
      'K3;An;;;;geen nummer;;fr',
      'K4;An;;;;;bel me;',
      'K5;An;;;niet-een-mail;;;',
      'K6;An;;;;;;Klingon',
      'K7;An;Peeters;Peeters NV;;+33 1 42 68 53 00;0470 12 34 56;FR-be',
    ].join('\r\n');
    const { rows, errors } = await customers(bytes(csv));
    expect(rows.map((row) => row.value)).toEqual([
      { dms_id: 'K1', last_name: 'Garage Smet', email: 'info@smet.example', phone: '0470 12 34 56', phone_normalized: '+32470123456', language: 'nl' },
      { dms_id: 'K7', first_name: 'An', last_name: 'Peeters', phone: '+33 1 42 68 53 00', phone_normalized: '+33142685300', language: 'fr' },
    ]);
    expect(brief(errors)).toEqual([
      { line: 3, column: 'naam', reason: 'required' },
      { line: 4, column: 'telefoon', reason: 'invalidPhone' },
      { line: 5, column: 'gsm', reason: 'invalidPhone' },
      { line: 6, column: 'e-mail', reason: 'invalidEmail' },
      { line: 7, column: 'taal', reason: 'invalid' },
    ]);
  });

  it('vehicle rules: plate or VIN, the VIN checked (check digit only where mandatory), no first registration in the future', async () => {
    const csv = [
      'voertuignummer;kenteken;chassisnummer;eerste inschrijving;klantnummer',
      'V1;;wvw-zzz1kz-aw000123;13/02/2020;K1',
      'V2;;;01/02/2020;K1',
      'V3;1-AB-100;1HGCM82643A004352;01/02/2020;',
      'V4;1-AB-101;WVWZZZ1KZAW00012O;01/02/2020;',
      'V5;1-AB-102;;01/02/2199;',
      'V6;1-AB-103;;31/02/2020;',
      'V7;---;;;',
      'V1;1-AB-104;;;',
    ].join('\n');
    const { rows, errors } = await vehicles(bytes(csv));
    expect(rows.map((row) => row.value)).toEqual([{ dms_id: 'V1', vin: 'WVWZZZ1KZAW000123', first_registration: '2020-02-13', customer_dms_id: 'K1' }]);
    expect(brief(errors)).toEqual([
      { line: 3, column: 'kenteken', reason: 'required' },
      { line: 4, column: 'chassisnummer', reason: 'vinCheckDigit' },
      { line: 5, column: 'chassisnummer', reason: 'invalidVin' },
      { line: 6, column: 'eerste inschrijving', reason: 'inFuture' },
      { line: 7, column: 'eerste inschrijving', reason: 'invalidDate' },
      { line: 8, column: 'kenteken', reason: 'invalid' },
      { line: 9, column: 'voertuignummer', reason: 'duplicateInFile' },
    ]);
  });
});

describe('the DMS files: a corpus of broken files gives a clear file error, or row errors with their lines while the good rows still come', () => {
  const header = 'klantnummer;voornaam;naam\r\n';

  it('0 bytes, blank lines only, a header only, binary garbage, no DMS id column', async () => {
    expect((await fileError(customers(bytes('')))).code).toBe('empty');
    expect((await fileError(customers(bytes('\r\n\r\n')))).code).toBe('empty');
    expect((await fileError(customers(bytes(header)))).code).toBe('noRows');
    expect((await fileError(customers(bytes(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]))))).code).toBe('binary');
    const noise = Buffer.from(Array.from({ length: 5000 }, (_, i) => ((i * 7919 + 13) % 255) + 1));
    expect(['missingColumns', 'unreadable', 'duplicateColumns']).toContain((await fileError(customers(bytes(noise, 512)))).code);
    expect(await fileError(customers(bytes('voornaam;naam\r\nEva;Jacobs\r\n')))).toMatchObject({ code: 'missingColumns', columns: ['dms_id'] });
  });

  it('a wrong column count and a stray quote fail their rows; an unbalanced quote takes what follows it; the good rows come, and the error file holds the failing lines as written', async () => {
    const lines = ['K1;Eva;Jacobs', 'K2;Luc', 'K3;Jan;De "Smet"x', 'K4;An;Peeters', 'K5;"Bart;Claes', 'K6;Els;Maes'];
    const file = encoded(header + lines.map((line) => `${line}\r\n`).join(''), 'windows-1252', false);
    const { layout, rows, errors } = await customers(bytes(file, 7));
    expect(rows.map((row) => [row.line, row.value.dms_id])).toEqual([[2, 'K1'], [5, 'K4']]);
    expect(brief(errors)).toEqual([
      { line: 3, column: null, reason: 'columnCount' },
      { line: 4, column: null, reason: 'badQuote' },
      { line: 6, column: null, reason: 'unclosedQuote' },
    ]);
    const chunks: Buffer[] = [];
    for await (const chunk of errorCsv(layout, errors.map((error) => error.raw!))) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString('latin1')).toBe(`${header}K2;Luc\r\nK3;Jan;De "Smet"x\r\nK5;"Bart;Claes\r\nK6;Els;Maes\r\n`);
  });

  it('a 10 MB field: recordTooLarge for that row only (maxRecordBytes 1 MiB), the rows after it still read', async () => {
    const big = Buffer.concat([Buffer.from(`${header}K1;Eva;Jacobs\r\nK2;"`), Buffer.alloc(10 * 1024 * 1024, 0x61), Buffer.from('\r\nstill the same field";Luc\r\nK3;An;Peeters\r\n')]);
    const { rows, errors } = await customers(bytes(big, 64 * 1024), { maxRecordBytes: 1024 * 1024 });
    expect(rows.map((row) => [row.line, row.value.dms_id])).toEqual([[2, 'K1'], [5, 'K3']]);
    expect(brief(errors)).toEqual([{ line: 3, column: null, reason: 'recordTooLarge' }]);
  });

  it('a file cut off in the middle of a row: in a quoted field, or short of its columns', async () => {
    const inQuotes = await customers(bytes(`${header}K1;Eva;Jacobs\r\nK2;"Lu`));
    expect(inQuotes.rows.map((row) => row.line)).toEqual([2]);
    expect(brief(inQuotes.errors)).toEqual([{ line: 3, column: null, reason: 'unclosedQuote' }]);
    const short = await vehicles(bytes('vehicle id;plate;km\r\nV1;1-AB-100;1200\r\nV2;1-A'));
    expect(short.rows.map((row) => row.line)).toEqual([2]);
    expect(brief(short.errors)).toEqual([{ line: 3, column: null, reason: 'columnCount' }]);
  });
});
