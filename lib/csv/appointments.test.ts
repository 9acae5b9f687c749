import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { appointmentFields, appointmentRowSchema, appointmentSampleCsv, type AppointmentRow } from './appointments';
import type { RowError } from './errors';
import { mapHeaders } from './headers';
import { csvBatches, inspectCsv, type OpenBytes } from './read';

const bytes = (content: Buffer | string): OpenBytes => async function* () {
  yield typeof content === 'string' ? Buffer.from(content) : content;
};

async function read(open: OpenBytes) {
  const layout = await inspectCsv(open, appointmentFields);
  const rows: { line: number; value: AppointmentRow }[] = [];
  const errors: RowError[] = [];
  for await (const batch of csvBatches(open, layout, appointmentFields, appointmentRowSchema, { uniqueField: 'external_id' })) {
    rows.push(...batch.rows);
    errors.push(...batch.errors);
  }
  return { layout, rows, errors };
}

describe('the planner appointment CSV (lib/csv/appointments.ts)', () => {
  it('the sample file reads as the writer takes it (its dates after the 12th tell the order)', async () => {
    const { rows, errors } = await read(bytes(appointmentSampleCsv()));
    expect(errors).toEqual([]);
    expect(rows[0]).toEqual({
      line: 2,
      value: {
        external_id: 'PL-10231',
        starts_at: '2026-12-23 08:30',
        duration_minutes: 60,
        customer: { first_name: 'Eva', last_name: 'Jacobs', email: 'eva.jacobs@example.com', phone: '+32 470 12 34 56', customer_number: 'C-4411', language: 'nl' },
        vehicle: { plate: '1-ABC-123', vin: 'WVWZZZ1KZAW000123', make: 'Volkswagen', model: 'Golf' },
        work_description: 'Oil service, air-co check',
        notes: 'Customer waits',
      },
      raw: 'PL-10231;23/12/2026;08:30;60;;C-4411;Eva;Jacobs;eva.jacobs@example.com;+32 470 12 34 56;nl;1-ABC-123;WVWZZZ1KZAW000123;Volkswagen;Golf;"Oil service, air-co check";Customer waits;',
    });
    expect(rows[2]!.value).toEqual({ external_id: 'PL-10198', starts_at: '2026-12-24 14:15', duration_minutes: 30, cancelled: true });
  });

  it('headers in Dutch, French and German find their fields', () => {
    const headers = (list: string[]) => Object.keys(mapHeaders(list, appointmentFields).columns).sort();
    const expected = ['date', 'email', 'end_time', 'external_id', 'first_name', 'last_name', 'make', 'plate', 'time', 'vin', 'work'].sort();
    expect(headers(['Afspraaknummer', 'Datum', 'Starttijd', 'Eindtijd', 'Voornaam', 'Achternaam', 'E-mailadres', 'Kenteken', 'Chassisnummer', 'Merk', 'Werkzaamheden'])).toEqual(expected);
    expect(headers(['N° rendez-vous', 'Date du rendez-vous', 'Heure', 'Heure de fin', 'Prénom', 'Nom', 'Courriel', "Plaque d'immatriculation", 'Numéro de châssis', 'Marque', 'Travaux'])).toEqual(expected);
    expect(headers(['Terminnummer', 'Termindatum', 'Uhrzeit', 'Endzeit', 'Vorname', 'Nachname', 'E-Mail', 'Kennzeichen', 'Fahrgestellnummer', 'Marke', 'Arbeiten'])).toEqual(expected);
  });

  it('a bad e-mail, VIN or missing time fails its row with the column; a date with its time needs no time column', async () => {
    const csv = [
      'Terminnummer;Datum;Uhrzeit;E-Mail;FIN',
      'A;13.12.2026;08:00;kein-mail;',
      'B;13.12.2026;08:00;;WVWZZZ1KZAW00012I',
      'C;13.12.2026;;;',
      'D;13.12.2026 09:15;;;',
      'D;14.12.2026;10:00;;',
    ].join('\n');
    const { rows, errors } = await read(bytes(iconv.encode(csv, 'windows-1252')));
    expect(rows.map((row) => [row.value.external_id, row.value.starts_at])).toEqual([['D', '2026-12-13 09:15']]);
    expect(errors).toEqual([
      { line: 2, column: 'E-Mail', reason: 'invalidEmail', raw: 'A;13.12.2026;08:00;kein-mail;' },
      { line: 3, column: 'FIN', reason: 'invalidVin', raw: 'B;13.12.2026;08:00;;WVWZZZ1KZAW00012I' },
      { line: 4, column: 'Uhrzeit', reason: 'required', raw: 'C;13.12.2026;;;' },
      { line: 6, column: 'Terminnummer', reason: 'duplicateInFile', detail: 'D', raw: 'D;14.12.2026;10:00;;' },
    ]);
  });
});
