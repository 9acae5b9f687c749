/**
 * P7 communication templates: the tags staff write in a template, what they
 * expand to, and the templates that ship with the product. Pure code: the
 * web preview and the mail activity expand the same way.
 */
import { isLanguage, type Language } from './i18n';

/** Every tag a template may contain, written in square brackets: [CustomerName]. */
export const templateTags = [
  'URLBookAssessment',
  'URLBookRepair',
  'URLStatusRepair',
  'CustomerName',
  'JobNumber',
  'Plate',
  'LocationName',
  'LocationPhone',
] as const;
export type TemplateTag = (typeof templateTags)[number];
export type TagValues = Record<TemplateTag, string>;

const tagPattern = /\[([A-Za-z]+)\]/g;

/**
 * Replaces the tags `values` has ([Name] → values.Name); anything else in
 * brackets stays as typed, so a typo shows in the preview. Shared by the
 * communication templates (P7) and the message texts (lib/messageTemplates.ts).
 */
export function expandTags(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(tagPattern, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
}

/** Every tag name in a text, once each, in order of appearance. */
export function tagsIn(text: string): string[] {
  return [...new Set([...text.matchAll(tagPattern)].map((match) => match[1]!))];
}

/** Tags in the text that are not ours (for a hint beside the preview). */
export function unknownTags(text: string): string[] {
  return tagsIn(text).filter((name) => !(templateTags as readonly string[]).includes(name));
}

export interface PortalLinks {
  bookAssessment: string;
  bookRepair: string;
  statusRepair: string;
}

/**
 * The location's portal links. Look-up links carry the job number (the form
 * prefills it) and never the plate: the customer types that, so the link
 * alone opens nothing. (The built-in templates leave [Plate] out for the
 * same reason: plate + job number is what the portal asks to prove.)
 */
export function portalLinks(publicUrl: string, slug: string, jobNumber: string, language: Language): PortalLinks {
  const base = `${publicUrl.replace(/\/+$/, '')}/p/${encodeURIComponent(slug)}`;
  const lookup = (purpose: 'repair' | 'status') =>
    `${base}/lookup/${purpose}?${new URLSearchParams({ job: jobNumber, lang: language })}`;
  return {
    bookAssessment: `${base}/estimate?${new URLSearchParams({ lang: language })}`,
    bookRepair: lookup('repair'),
    statusRepair: lookup('status'),
  };
}

export interface InvitationFacts {
  publicUrl: string;
  language: Language;
  customerName: string;
  jobNumber: string;
  plate: string;
  location: { slug: string; name: string; phone: string };
}

export function tagValues(facts: InvitationFacts): TagValues {
  const links = portalLinks(facts.publicUrl, facts.location.slug, facts.jobNumber, facts.language);
  return {
    URLBookAssessment: links.bookAssessment,
    URLBookRepair: links.bookRepair,
    URLStatusRepair: links.statusRepair,
    CustomerName: facts.customerName,
    JobNumber: facts.jobNumber,
    Plate: facts.plate,
    LocationName: facts.location.name,
    LocationPhone: facts.location.phone,
  };
}

export interface TemplateText {
  name: string;
  language: Language;
  subject: string;
  body: string;
}

export function expandTemplate(template: Pick<TemplateText, 'subject' | 'body'>, values: TagValues) {
  return { subject: expandTags(template.subject, values), body: expandTags(template.body, values) };
}

/** A text cut into plain runs and links, so the HTML mail can link them without building HTML by hand. */
export function linkify(text: string): { text: string; url?: string }[] {
  const parts: { text: string; url?: string }[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: match[0], url: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

// ---------------------------------------------------------------------------
// Templates that ship with the product. Read-only: an admin copies one to
// change it. Their reference ("builtin:book-repair:nl") is stable, so a
// queued invitation and a bookmarked preview keep pointing at the same text.

export const builtInKinds = ['book-repair', 'follow-repair', 'book-estimate'] as const;
export type BuiltInKind = (typeof builtInKinds)[number];

export interface BuiltInTemplate extends TemplateText {
  ref: string;
  kind: BuiltInKind;
}

const texts: Record<BuiltInKind, Record<Language, Omit<TemplateText, 'language'>>> = {
  'book-repair': {
    en: {
      name: 'Invitation: book your repair',
      subject: 'Book the repair of your vehicle at [LocationName]',
      body: `Dear [CustomerName],

You can now choose for yourself when your vehicle comes in for repair at [LocationName]. Pick the day that suits you best on our online portal:

[URLBookRepair]

Keep your registration plate and your job number [JobNumber] at hand.

Any questions? Call us on [LocationPhone].

Kind regards,
[LocationName]`,
    },
    nl: {
      name: 'Uitnodiging: plan uw herstelling in',
      subject: 'Maak een afspraak voor de herstelling van uw voertuig bij [LocationName]',
      body: `Beste [CustomerName],

U kunt nu zelf kiezen wanneer uw voertuig bij [LocationName] binnenkomt voor herstelling. Kies in ons online portaal de dag die u het best past:

[URLBookRepair]

Hou uw nummerplaat en uw dossiernummer [JobNumber] bij de hand.

Nog vragen? Bel ons gerust op [LocationPhone].

Met vriendelijke groeten,
[LocationName]`,
    },
    fr: {
      name: 'Invitation : planifiez votre réparation',
      subject: 'Prenez rendez-vous pour la réparation de votre véhicule chez [LocationName]',
      body: `Bonjour [CustomerName],

Vous pouvez désormais choisir vous-même quand votre véhicule sera réparé chez [LocationName]. Choisissez le jour qui vous convient le mieux sur notre portail en ligne :

[URLBookRepair]

Munissez-vous de votre plaque d'immatriculation et de votre numéro de dossier [JobNumber].

Une question ? Appelez-nous au [LocationPhone].

Bien cordialement,
[LocationName]`,
    },
    de: {
      name: 'Einladung: Reparaturtermin vereinbaren',
      subject: 'Vereinbaren Sie Ihren Reparaturtermin bei [LocationName]',
      body: `Guten Tag [CustomerName],

Sie können jetzt selbst bestimmen, wann Ihr Fahrzeug bei [LocationName] repariert wird. Wählen Sie in unserem Online-Portal den Tag, der Ihnen am besten passt:

[URLBookRepair]

Halten Sie dazu Ihr Kennzeichen und Ihre Auftragsnummer [JobNumber] bereit.

Haben Sie Fragen? Rufen Sie uns gerne unter [LocationPhone] an.

Mit freundlichen Grüßen
[LocationName]`,
    },
  },
  'follow-repair': {
    en: {
      name: 'Follow your repair',
      subject: 'Follow the repair of your vehicle online',
      body: `Dear [CustomerName],

Your vehicle is in good hands at [LocationName]. You can follow each step of the repair online, at any time:

[URLStatusRepair]

You will be asked for your registration plate; your job number is [JobNumber].

Any questions? Call us on [LocationPhone].

Kind regards,
[LocationName]`,
    },
    nl: {
      name: 'Volg uw herstelling',
      subject: 'Volg de herstelling van uw voertuig online',
      body: `Beste [CustomerName],

Uw voertuig is in goede handen bij [LocationName]. Via deze link volgt u op elk moment online hoe ver de herstelling staat:

[URLStatusRepair]

U hebt daarvoor uw nummerplaat nodig; uw dossiernummer is [JobNumber].

Nog vragen? Bel ons gerust op [LocationPhone].

Met vriendelijke groeten,
[LocationName]`,
    },
    fr: {
      name: 'Suivez votre réparation',
      subject: 'Suivez en ligne la réparation de votre véhicule',
      body: `Bonjour [CustomerName],

Votre véhicule est entre de bonnes mains chez [LocationName]. Vous pouvez suivre à tout moment l'avancement de la réparation en ligne :

[URLStatusRepair]

Votre plaque d'immatriculation vous sera demandée ; votre numéro de dossier est le [JobNumber].

Une question ? Appelez-nous au [LocationPhone].

Bien cordialement,
[LocationName]`,
    },
    de: {
      name: 'Verfolgen Sie Ihre Reparatur',
      subject: 'Verfolgen Sie die Reparatur Ihres Fahrzeugs online',
      body: `Guten Tag [CustomerName],

Ihr Fahrzeug ist bei [LocationName] in guten Händen. Über diesen Link können Sie jederzeit online verfolgen, wie weit die Reparatur ist:

[URLStatusRepair]

Sie werden nach Ihrem Kennzeichen gefragt; Ihre Auftragsnummer lautet [JobNumber].

Haben Sie Fragen? Rufen Sie uns gerne unter [LocationPhone] an.

Mit freundlichen Grüßen
[LocationName]`,
    },
  },
  'book-estimate': {
    en: {
      name: 'Invitation: book an estimate',
      subject: 'Book an appointment for an estimate at [LocationName]',
      body: `Dear [CustomerName],

Thank you for contacting [LocationName]. To prepare an estimate for the damage to your vehicle, we would like to see it. Choose a time that suits you on our online portal; you can add photos of the damage straight away:

[URLBookAssessment]

Any questions? Call us on [LocationPhone].

Kind regards,
[LocationName]`,
    },
    nl: {
      name: 'Uitnodiging: afspraak voor een bestek',
      subject: 'Maak een afspraak voor een bestek bij [LocationName]',
      body: `Beste [CustomerName],

Bedankt voor uw contact met [LocationName]. Om een bestek op te maken voor de schade aan uw voertuig, bekijken we die graag even. Kies in ons online portaal een moment dat u past; u kunt er meteen ook foto's van de schade toevoegen:

[URLBookAssessment]

Nog vragen? Bel ons gerust op [LocationPhone].

Met vriendelijke groeten,
[LocationName]`,
    },
    fr: {
      name: 'Invitation : rendez-vous pour un devis',
      subject: 'Prenez rendez-vous pour un devis chez [LocationName]',
      body: `Bonjour [CustomerName],

Merci d'avoir contacté [LocationName]. Pour établir un devis, nous aimerions examiner les dégâts de votre véhicule. Choisissez le moment qui vous convient sur notre portail en ligne ; vous pouvez également y ajouter directement des photos des dégâts :

[URLBookAssessment]

Une question ? Appelez-nous au [LocationPhone].

Bien cordialement,
[LocationName]`,
    },
    de: {
      name: 'Einladung: Termin für einen Kostenvoranschlag',
      subject: 'Vereinbaren Sie einen Termin für einen Kostenvoranschlag bei [LocationName]',
      body: `Guten Tag [CustomerName],

vielen Dank für Ihre Anfrage bei [LocationName]. Damit wir einen Kostenvoranschlag erstellen können, möchten wir uns den Schaden an Ihrem Fahrzeug gerne ansehen. Wählen Sie in unserem Online-Portal einen passenden Termin; dort können Sie auch gleich Fotos des Schadens hochladen:

[URLBookAssessment]

Haben Sie Fragen? Rufen Sie uns gerne unter [LocationPhone] an.

Mit freundlichen Grüßen
[LocationName]`,
    },
  },
};

export const builtInRef = (kind: BuiltInKind, language: Language) => `builtin:${kind}:${language}`;

export const builtInTemplates: readonly BuiltInTemplate[] = builtInKinds.flatMap((kind) =>
  (Object.keys(texts[kind]) as Language[]).map((language) => ({ ref: builtInRef(kind, language), kind, language, ...texts[kind][language] })),
);

export function findBuiltInTemplate(ref: string): BuiltInTemplate | undefined {
  return builtInTemplates.find((template) => template.ref === ref);
}

/** The invitation staff most often send, in the customer's language. */
export function defaultInvitationRef(customerLanguage: string): string {
  return builtInRef('book-repair', isLanguage(customerLanguage) ? customerLanguage : 'en');
}

/** "builtin:<kind>:<language>" for a shipped template, "own:<id>" for one an admin added. */
export type TemplateRef = { builtIn: BuiltInTemplate } | { ownId: number };

export function parseTemplateRef(ref: string): TemplateRef | undefined {
  const builtIn = findBuiltInTemplate(ref);
  if (builtIn) return { builtIn };
  const own = /^own:([1-9]\d{0,8})$/.exec(ref);
  return own ? { ownId: Number(own[1]) } : undefined;
}

export const ownRef = (id: number) => `own:${id}`;
