import { z } from 'zod';
import type { LocalDate } from './dates';
import { normalizeVin } from '../vin';
import type { FieldSpec } from './headers';

/**
 * The planner's appointment CSV (D5/W2): the columns we read and the headers
 * planning systems and spreadsheets use for them in English, Dutch, French
 * and German. Only the appointment id and its date (with a time, in the date
 * column or its own) are required.
 */
export const appointmentFields: FieldSpec[] = [
  { name: 'external_id', type: 'text', required: true, aliases: ['id', 'appointment id', 'appointment', 'appointment number', 'reference', 'ref', 'afspraak id', 'afspraak', 'afspraaknummer', 'afspraak nr', 'referentie', 'rendez-vous', 'id rendez-vous', 'numéro de rendez-vous', 'n° rendez-vous', 'référence', 'termin id', 'termin', 'terminnummer', 'termin nr', 'referenz'] },
  { name: 'date', type: 'date', required: true, aliases: ['appointment date', 'start', 'starts at', 'start date', 'datum', 'afspraakdatum', 'begin', 'startdatum', 'date du rendez-vous', 'date rendez-vous', 'début', 'termindatum', 'beginn', 'startzeit'] },
  { name: 'time', type: 'time', aliases: ['start time', 'from', 'tijd', 'starttijd', 'aanvang', 'van', 'heure', 'heure de début', 'uhrzeit', 'zeit', 'von', 'beginnzeit'] },
  { name: 'end_time', type: 'time', aliases: ['end', 'end time', 'until', 'to', 'eindtijd', 'einde', 'tot', 'heure de fin', 'à', 'ende', 'endzeit', 'bis'] },
  { name: 'duration', type: 'decimal', aliases: ['duration minutes', 'minutes', 'duur', 'duur minuten', 'minuten', 'durée', 'durée minutes', 'dauer', 'dauer minuten'] },
  { name: 'location', type: 'text', aliases: ['branch', 'site', 'workshop', 'locatie', 'vestiging', 'filiaal', 'werkplaats', 'lieu', 'site', 'atelier', 'agence', 'standort', 'filiale', 'werkstatt', 'niederlassung'] },
  { name: 'customer_number', type: 'text', aliases: ['customer id', 'customer no', 'client number', 'klantnummer', 'klant nr', 'klantnr', 'debiteurnummer', 'numéro client', 'n° client', 'code client', 'kundennummer', 'kunden nr', 'kundennr'] },
  { name: 'first_name', type: 'text', aliases: ['firstname', 'given name', 'voornaam', 'prénom', 'prenom', 'vorname'] },
  { name: 'last_name', type: 'text', aliases: ['lastname', 'surname', 'family name', 'name', 'achternaam', 'naam', 'nom', 'nom de famille', 'nachname', 'familienname'] },
  { name: 'email', type: 'text', aliases: ['e-mail', 'mail', 'email address', 'e-mailadres', 'emailadres', 'courriel', 'adresse e-mail', 'e-mail-adresse'] },
  { name: 'phone', type: 'text', aliases: ['telephone', 'mobile', 'phone number', 'telefoon', 'telefoonnummer', 'gsm', 'mobiel', 'téléphone', 'portable', 'tél', 'telefon', 'telefonnummer', 'handy', 'mobil'] },
  { name: 'language', type: 'text', aliases: ['lang', 'taal', 'langue', 'sprache'] },
  { name: 'plate', type: 'text', aliases: ['license plate', 'licence plate', 'registration', 'number plate', 'kenteken', 'nummerplaat', 'nummerbord', 'immatriculation', "plaque d'immatriculation", 'plaque', 'kennzeichen', 'amtliches kennzeichen'] },
  { name: 'vin', type: 'text', aliases: ['chassis', 'chassis number', 'chassisnummer', 'vin nummer', 'châssis', 'numéro de châssis', 'fin', 'fahrgestellnummer', 'fahrzeug-identnummer'] },
  { name: 'make', type: 'text', aliases: ['brand', 'merk', 'marque', 'marke', 'hersteller'] },
  { name: 'model', type: 'text', aliases: ['type', 'model name', 'modèle', 'modell'] },
  { name: 'work', type: 'text', aliases: ['work description', 'work planned', 'description', 'service', 'job', 'werk', 'werkzaamheden', 'omschrijving', 'werkomschrijving', 'travaux', 'description des travaux', 'prestation', 'arbeiten', 'arbeitsbeschreibung', 'beschreibung', 'leistung'] },
  { name: 'notes', type: 'text', aliases: ['note', 'remarks', 'comment', 'comments', 'opmerking', 'opmerkingen', 'notitie', 'remarque', 'remarques', 'commentaire', 'bemerkung', 'bemerkungen', 'notiz', 'kommentar'] },
  { name: 'status', type: 'text', aliases: ['state', 'cancelled', 'canceled', 'geannuleerd', 'annulé', 'statut', 'état', 'storniert', 'zustand'] },
];

/** Values of the status column that mean the planner cancelled the appointment. */
const cancelledWords = new Set(['cancelled', 'canceled', 'cancel', 'geannuleerd', 'annulé', 'annule', 'annulee', 'annulée', 'storniert', 'abgesagt', 'x', 'yes', 'ja', 'oui', 'true', '1']);
const languages = new Set(['en', 'nl', 'fr', 'de']);
const vinShape = /^[A-HJ-NPR-Z0-9]{17}$/;

const text = (max: number) => z.string().max(max, 'tooLong').optional();
const localDate = z.custom<LocalDate>((value) => typeof value === 'object' && value !== null && 'year' in value, 'invalidDate');
const timeOfDay = z.object({ hour: z.number(), minute: z.number() });

const pad = (n: number) => String(n).padStart(2, '0');
const wallClock = (date: LocalDate, time: { hour: number; minute: number }) => `${date.year}-${pad(date.month)}-${pad(date.day)} ${pad(time.hour)}:${pad(time.minute)}`;

/** One planner appointment as the shared writer (db/appointmentImport.ts ImportedAppointment) takes it. */
export interface AppointmentRow {
  external_id: string;
  location?: string;
  starts_at: string;
  ends_at?: string;
  duration_minutes?: number;
  customer?: { first_name?: string; last_name?: string; email?: string; phone?: string; customer_number?: string; language?: string };
  vehicle?: { plate?: string; vin?: string; make?: string; model?: string };
  work_description?: string;
  notes?: string;
  cancelled?: boolean;
}

const present = <T extends Record<string, unknown>>(object: T): T | undefined => (Object.values(object).some((value) => value !== undefined) ? object : undefined);

/**
 * A CSV row (typed by lib/csv/read.ts) checked and shaped as the writer takes
 * it; every issue's message is a reason code (imports.reasons.<code>) and its
 * path the field, so the report names the file's column.
 */
export const appointmentRowSchema = z
  .object({
    external_id: z.string('required').max(100, 'tooLong'),
    date: localDate,
    time: timeOfDay.optional(),
    end_time: timeOfDay.optional(),
    duration: z.number().positive('invalidNumber').max(24 * 60, 'invalidNumber').optional(),
    location: text(100),
    customer_number: text(100),
    first_name: text(200),
    last_name: text(200),
    email: z.email('invalidEmail').max(320, 'tooLong').optional(),
    phone: text(50),
    language: z
      .string()
      .transform((value) => value.toLowerCase().slice(0, 2))
      .refine((value) => languages.has(value), 'invalid')
      .optional(),
    plate: text(20),
    vin: z
      .string()
      .transform(normalizeVin)
      .refine((value) => vinShape.test(value), 'invalidVin')
      .optional(),
    make: text(100),
    model: text(100),
    work: text(2000),
    notes: text(4000),
    status: text(100),
  })
  .superRefine((row, ctx) => {
    if (row.time === undefined && row.date.hour === undefined) ctx.addIssue({ code: 'custom', path: ['time'], message: 'required' });
  })
  .transform((row): AppointmentRow => {
    const start = row.time ?? { hour: row.date.hour!, minute: row.date.minute! };
    const endsAt = row.end_time ? wallClock(row.date, row.end_time) : undefined;
    return {
      external_id: row.external_id,
      starts_at: wallClock(row.date, start),
      ...(endsAt ? { ends_at: endsAt } : {}),
      ...(row.duration !== undefined && !endsAt ? { duration_minutes: Math.round(row.duration) } : {}),
      ...(row.location ? { location: row.location } : {}),
      customer: present({ first_name: row.first_name, last_name: row.last_name, email: row.email, phone: row.phone, customer_number: row.customer_number, language: row.language }),
      vehicle: present({ plate: row.plate, vin: row.vin, make: row.make, model: row.model }),
      ...(row.work !== undefined ? { work_description: row.work } : {}),
      ...(row.notes !== undefined ? { notes: row.notes } : {}),
      ...(row.status !== undefined ? { cancelled: cancelledWords.has(row.status.trim().toLowerCase()) } : {}),
    };
  });

/** The format the import reads, as a file staff can hand to their planner's supplier (semicolons, day-first dates, UTF-8 with BOM for Excel). */
export function appointmentSampleCsv(): string {
  const lines = [
    'appointment id;date;time;duration;location;customer number;first name;last name;email;phone;language;plate;vin;make;model;work;notes;status',
    'PL-10231;23/12/2026;08:30;60;;C-4411;Eva;Jacobs;eva.jacobs@example.com;+32 470 12 34 56;nl;1-ABC-123;WVWZZZ1KZAW000123;Volkswagen;Golf;"Oil service, air-co check";Customer waits;',
    'PL-10232;23/12/2026;10:00;;;;Luc;Peeters;;0470 65 43 21;fr;2-XYZ-987;;Peugeot;308;Tyres (winter);;',
    'PL-10198;24/12/2026;14:15;30;;;;;;;;;;;;;;cancelled',
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
