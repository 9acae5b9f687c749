import { z } from 'zod';
import { normalizePhone } from '../phones';
import { normalizePlate } from '../plates';
import { checkVin } from '../vin';
import type { LocalDate } from './dates';
import { headerKey, type FieldSpec } from './headers';

/**
 * The DMS datastore's two files (P9/D5): the customers and the vehicles a
 * garage's dealer management system exports, read into the one customer and
 * vehicle master with the DMS's own ids. The columns we read and the headers
 * DMS exports and spreadsheets use for them in English, Dutch, French and
 * German. Only the DMS's id is required, with a name (customers) or a plate
 * or VIN (vehicles). A cell left empty is absent: an update never erases
 * what the master already has.
 */

const customerNumberAliases = ['customer number', 'customer no', 'customer id', 'client number', 'client id', 'debtor', 'debtor number', 'klantnummer', 'klant nr', 'klantnr', 'klant id', 'klantcode', 'debiteur', 'debiteurnummer', 'debiteurnr', 'numéro client', 'n° client', 'code client', 'id client', 'numéro de client', 'kundennummer', 'kunden nr', 'kundennr', 'kunden id', 'debitor', 'debitorennummer'];

export const dmsCustomerFields: FieldSpec[] = [
  { name: 'dms_id', type: 'text', required: true, aliases: [...customerNumberAliases, 'id', 'number', 'nummer', 'numéro', 'dms id'] },
  { name: 'first_name', type: 'text', aliases: ['firstname', 'given name', 'voornaam', 'prénom', 'prenom', 'vorname'] },
  { name: 'last_name', type: 'text', aliases: ['lastname', 'surname', 'family name', 'name', 'achternaam', 'familienaam', 'naam', 'nom', 'nom de famille', 'nachname', 'familienname'] },
  { name: 'company', type: 'text', aliases: ['company name', 'organisation', 'organization', 'bedrijf', 'bedrijfsnaam', 'firma', 'firmanaam', 'société', 'entreprise', 'raison sociale', 'firmenname', 'unternehmen'] },
  { name: 'email', type: 'text', aliases: ['e-mail', 'mail', 'email address', 'e-mailadres', 'emailadres', 'courriel', 'adresse e-mail', 'e-mail-adresse'] },
  { name: 'phone', type: 'text', aliases: ['telephone', 'phone number', 'tel', 'telefoon', 'telefoonnummer', 'téléphone', 'tél', 'numéro de téléphone', 'telefon', 'telefonnummer'] },
  { name: 'mobile', type: 'text', aliases: ['mobile phone', 'mobile number', 'cell', 'cell phone', 'gsm', 'gsm nummer', 'mobiel', 'mobiel nummer', 'portable', 'téléphone portable', 'handy', 'mobil', 'mobiltelefon', 'mobilnummer'] },
  { name: 'street', type: 'text', aliases: ['address', 'street address', 'address line', 'adres', 'straat', 'straat en nummer', 'rue', 'adresse', 'straße', 'strasse', 'anschrift'] },
  { name: 'postal_code', type: 'text', aliases: ['postcode', 'post code', 'postal', 'zip', 'zip code', 'code postal', 'cp', 'plz', 'postleitzahl'] },
  { name: 'city', type: 'text', aliases: ['town', 'place', 'gemeente', 'plaats', 'woonplaats', 'stad', 'ville', 'localité', 'commune', 'ort', 'stadt', 'wohnort'] },
  { name: 'language', type: 'text', aliases: ['lang', 'taal', 'langue', 'sprache', 'correspondentietaal', 'langue de correspondance', 'korrespondenzsprache'] },
];

export const dmsVehicleFields: FieldSpec[] = [
  // The vehicle's own id: only vehicle words, so "klantnummer" in the same file is the owner's.
  { name: 'dms_id', type: 'text', required: true, aliases: ['id', 'vehicle id', 'vehicle number', 'vehicle no', 'dms id', 'voertuig id', 'voertuignummer', 'voertuig nr', 'voertuignr', 'wagennummer', 'id véhicule', 'numéro véhicule', 'n° véhicule', 'numéro de véhicule', 'fahrzeug id', 'fahrzeugnummer', 'fahrzeug nr', 'fahrzeugnr'] },
  { name: 'plate', type: 'text', aliases: ['license plate', 'licence plate', 'registration', 'registration number', 'number plate', 'kenteken', 'nummerplaat', 'nummerbord', 'immatriculation', "plaque d'immatriculation", 'plaque', 'kennzeichen', 'amtliches kennzeichen'] },
  { name: 'vin', type: 'text', aliases: ['vin number', 'vehicle identification number', 'chassis', 'chassis number', 'chassisnummer', 'chassisnr', 'vin nummer', 'châssis', 'numéro de châssis', 'n° de châssis', 'fin', 'fahrgestellnummer', 'fahrzeug-identnummer', 'fahrzeugidentnummer'] },
  { name: 'make', type: 'text', aliases: ['brand', 'merk', 'marque', 'marke', 'hersteller'] },
  { name: 'model', type: 'text', aliases: ['model name', 'type', 'modèle', 'modell'] },
  { name: 'first_registration', type: 'date', aliases: ['first registration', 'first registration date', 'date of first registration', 'registration date', 'eerste inschrijving', 'datum eerste inschrijving', 'inschrijvingsdatum', '1ère immatriculation', 'première immatriculation', 'date de première immatriculation', 'date 1ère immatriculation', 'mise en circulation', 'date de mise en circulation', 'erstzulassung', 'datum erstzulassung', 'ez'] },
  { name: 'mileage', type: 'decimal', aliases: ['km', 'kilometers', 'kilometres', 'odometer', 'odometer km', 'mileage km', 'kilometerstand', 'km stand', 'kilométrage', 'compteur', 'laufleistung', 'km-stand'] },
  { name: 'customer_dms_id', type: 'text', aliases: [...customerNumberAliases, 'owner', 'owner id', 'owner number', 'klant', 'eigenaar', 'propriétaire', 'client', 'kunde', 'halter', 'besitzer'] },
];

const text = (max: number) => z.string().max(max, 'tooLong').optional();
const localDate = z.custom<LocalDate>((value) => typeof value === 'object' && value !== null && 'year' in value, 'invalidDate');

/** The words DMS exports write for a language, beside its code, compared as headers are (no case or accents). */
const languageWords: Record<string, 'en' | 'nl' | 'fr' | 'de'> = Object.fromEntries(
  (
    [
      ['en', ['en', 'eng', 'english', 'engels', 'anglais', 'englisch']],
      ['nl', ['nl', 'nld', 'dut', 'dutch', 'flemish', 'nederlands', 'vlaams', 'neerlandais', 'flamand', 'niederlandisch', 'flamisch']],
      ['fr', ['fr', 'fra', 'fre', 'french', 'frans', 'francais', 'franzosisch']],
      ['de', ['de', 'deu', 'ger', 'german', 'duits', 'allemand', 'deutsch']],
    ] as const
  ).flatMap(([code, words]) => words.map((word) => [word, code])),
);
/** "nl", "NL-be", "Nederlands", "néerlandais": the language the customer is written to in. */
const language = z
  .string()
  .transform((value) => languageWords[headerKey(value)] ?? languageWords[headerKey(value.split(/[-_]/)[0]!)])
  .refine((value) => value !== undefined, 'invalid');

/** Keeps only the keys with a value: an empty cell is absent, never an erasing ''. */
const present = <T extends Record<string, unknown>>(object: T): T => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;

export interface DmsCustomerRow {
  dms_id: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  /** as typed in the DMS (the phone column, else the mobile one) */
  phone?: string;
  /** E.164 (lib/phones.ts normalizePhone), what customers match on */
  phone_normalized?: string;
  street?: string;
  postal_code?: string;
  city?: string;
  language?: 'en' | 'nl' | 'fr' | 'de';
}

/**
 * A customer row (typed by lib/csv/read.ts) checked and shaped as the
 * master takes it; every issue's message is a reason code
 * (imports.reasons.<code>) and its path the field, so the report names the
 * file's column. A company without a person's name is the last name, as
 * the master has no company field of its own.
 */
export const dmsCustomerRowSchema = z
  .object({
    dms_id: z.string('required').max(100, 'tooLong'),
    first_name: text(200),
    last_name: text(200),
    company: text(200),
    email: z.email('invalidEmail').max(320, 'tooLong').transform((value) => value.toLowerCase()).optional(),
    phone: text(50),
    mobile: text(50),
    street: text(200),
    postal_code: text(20),
    city: text(100),
    language: language.optional(),
  })
  .superRefine((row, ctx) => {
    if (row.first_name === undefined && row.last_name === undefined && row.company === undefined) ctx.addIssue({ code: 'custom', path: ['last_name'], message: 'required' });
    const phoneField = row.phone !== undefined ? 'phone' : 'mobile';
    const phone = row[phoneField];
    if (phone !== undefined && normalizePhone(phone) === '') ctx.addIssue({ code: 'custom', path: [phoneField], message: 'invalidPhone' });
  })
  .transform((row): DmsCustomerRow => {
    const phone = row.phone ?? row.mobile;
    return present({
      dms_id: row.dms_id,
      first_name: row.first_name,
      last_name: row.last_name ?? row.company,
      email: row.email,
      phone,
      phone_normalized: phone !== undefined ? normalizePhone(phone) : undefined,
      street: row.street,
      postal_code: row.postal_code,
      city: row.city,
      language: row.language,
    });
  });

export interface DmsVehicleRow {
  dms_id: string;
  /** as typed in the DMS */
  plate?: string;
  /** lib/plates.ts normalizePlate, what vehicles match on */
  plate_normalized?: string;
  /** lib/vin.ts normalised */
  vin?: string;
  make?: string;
  model?: string;
  /** YYYY-MM-DD */
  first_registration?: string;
  mileage_km?: number;
  /** the owner, by the customer file's dms_id */
  customer_dms_id?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (date: LocalDate) => `${date.year}-${pad(date.month)}-${pad(date.day)}`;

/** A VIN as lib/vin.ts reads it: normalised, or the reason it is none. */
const vin = z.string().transform((value, ctx) => {
  const checked = checkVin(value);
  if (checked.ok) return checked.vin;
  ctx.addIssue({ code: 'custom', message: checked.reason });
  return z.NEVER;
});

/**
 * A vehicle row checked and shaped as the master takes it. The first
 * registration is a date (year 1900 on, lib/csv/dates.ts) not after today;
 * the mileage whole kilometres.
 */
export const dmsVehicleRowSchema = z
  .object({
    dms_id: z.string('required').max(100, 'tooLong'),
    plate: text(20).refine((value) => value === undefined || normalizePlate(value) !== '', 'invalid'),
    vin: vin.optional(),
    make: text(100),
    model: text(100),
    first_registration: localDate.refine((date) => isoDate(date) <= new Date().toISOString().slice(0, 10), 'inFuture').optional(),
    mileage: z.number().min(0, 'invalidNumber').max(10_000_000, 'invalidNumber').optional(),
    customer_dms_id: text(100),
  })
  .superRefine((row, ctx) => {
    if (row.plate === undefined && row.vin === undefined) ctx.addIssue({ code: 'custom', path: ['plate'], message: 'required' });
  })
  .transform(
    (row): DmsVehicleRow =>
      present({
        dms_id: row.dms_id,
        plate: row.plate,
        plate_normalized: row.plate !== undefined ? normalizePlate(row.plate) : undefined,
        vin: row.vin,
        make: row.make,
        model: row.model,
        first_registration: row.first_registration ? isoDate(row.first_registration) : undefined,
        mileage_km: row.mileage !== undefined ? Math.round(row.mileage) : undefined,
        customer_dms_id: row.customer_dms_id,
      }),
  );

/** The customer format, as a file staff can hand to their DMS's supplier (semicolons, UTF-8 with BOM and CRLF for Excel). */
export function dmsCustomerSampleCsv(): string {
  const lines = [
    'customer number;first name;last name;company;email;phone;mobile;street;postal code;city;language',
    'K-1001;Eva;Jacobs;;eva.jacobs@example.com;+32 470 12 34 56;;Kerkstraat 12;9000;Gent;nl',
    'K-1002;;;"Garage Peeters; Zonen";info@peeters.example;;0470 65 43 21;"Rue de la Gare 5, bus 2";1000;Bruxelles;fr',
    'K-1003;Jonas;Schmidt;;;;;;;;de',
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The vehicle format: day-first dates (one after the 12th tells the order), a decimal comma in the mileage. */
export function dmsVehicleSampleCsv(): string {
  const lines = [
    'vehicle id;plate;vin;make;model;first registration;km;customer number',
    'V-2001;1-ABC-123;WVWZZZ1KZAW000123;Volkswagen;Golf;23/03/2019;84.512,5;K-1001',
    'V-2002;2-XYZ-987;;Peugeot;"308 SW; GT Line";05/11/2021;31250;K-1002',
    'V-2003;;1HGCM82633A004352;Honda;Accord;14/06/2003;;K-1003',
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Each DMS file kind's columns, row schema and sample, for the import and the demo data. */
export const dmsFormats = {
  customers: { fields: dmsCustomerFields, schema: dmsCustomerRowSchema, sampleCsv: dmsCustomerSampleCsv },
  vehicles: { fields: dmsVehicleFields, schema: dmsVehicleRowSchema, sampleCsv: dmsVehicleSampleCsv },
} as const;
