/**
 * The texts customers get from the lead manager (M2, M3, M9): one per
 * purpose × channel × language, built in here and replaceable per company
 * (db/messageTemplates.ts, admin page /staff/settings/messages). Tags in
 * square brackets expand as in the P7 communication templates.
 */
import { expandTags, type TagValues } from './communicationTemplates';
import type { Language } from './i18n';
import type { Channel } from './messaging';

export const messagePurposes = ['lead_acknowledgement', 'lead_rejection', 'appointment_confirmation'] as const;
export type MessagePurpose = (typeof messagePurposes)[number];

export const messageChannels = ['email', 'sms'] as const satisfies readonly Channel[];

export const messageTags = ['CustomerName', 'Date', 'Time', 'TimeWindow', 'Location', 'LocationPhone', 'Plate', 'CancelLink', 'Services'] as const;
export type MessageTag = (typeof messageTags)[number];
export type MessageValues = Partial<Record<MessageTag, string>>;

/** The tags each message is sent with; the others expand to nothing in it. */
export const purposeTags: Record<MessagePurpose, readonly MessageTag[]> = {
  lead_acknowledgement: ['CustomerName', 'Date', 'TimeWindow', 'Location', 'LocationPhone', 'Plate', 'Services', 'CancelLink'],
  lead_rejection: ['CustomerName', 'Date', 'TimeWindow', 'Location', 'LocationPhone', 'Plate', 'Services'],
  appointment_confirmation: ['CustomerName', 'Date', 'Time', 'Location', 'LocationPhone', 'Plate', 'Services'],
};

export function isMessagePurpose(value: unknown): value is MessagePurpose {
  return typeof value === 'string' && (messagePurposes as readonly string[]).includes(value);
}

export interface MessageText {
  /** '' for SMS */
  subject: string;
  body: string;
}

/**
 * Expands the tags. A known tag without a value becomes empty (a customer
 * never reads "[Time]"); an unknown one stays as typed, so a typo shows in
 * the admin's preview.
 */
export function renderMessage(template: MessageText, values: MessageValues): { subject: string; text: string } {
  const filled = Object.fromEntries(messageTags.map((tag) => [tag, values[tag] ?? '']));
  // P7's expansion looks tags up by name in whatever record it is given; only its parameter type names P7's tags.
  const expand = (text: string) => expandTags(text, filled as unknown as TagValues);
  return { subject: expand(template.subject), text: expand(template.body) };
}

const tagPattern = /\[([A-Za-z]+)\]/g;

/** Tags in a text that are not ours (left as typed), and ours that this message is not sent with (left empty). */
export function tagProblems(template: MessageText, purpose: MessagePurpose): { unknown: string[]; unavailable: string[] } {
  const used = [...new Set([...`${template.subject}\n${template.body}`.matchAll(tagPattern)].map((match) => match[1]!))];
  const known = (tag: string): tag is MessageTag => (messageTags as readonly string[]).includes(tag);
  return {
    unknown: used.filter((tag) => !known(tag)),
    unavailable: used.filter((tag) => known(tag) && !purposeTags[purpose].includes(tag)),
  };
}

export function builtInMessageTemplate(purpose: MessagePurpose, channel: Channel, language: Language): MessageText {
  return builtIn[purpose][channel][language];
}

// ---------------------------------------------------------------------------
// Built-in texts. SMS stay short and in the GSM alphabet (no ç, ê: one
// such character makes every part hold 67 characters instead of 153): with
// typical values (a 25-character date, a 75-character cancel link) each
// fits in 320 characters.

type Texts = Record<MessagePurpose, Record<Channel, Record<Language, MessageText>>>;
const sms = (body: string): MessageText => ({ subject: '', body });

const builtIn: Texts = {
  lead_acknowledgement: {
    email: {
      en: {
        subject: 'We have received your appointment request – [Location]',
        body: `Dear [CustomerName],

Thank you for your appointment request at [Location]. We have received it and will contact you as soon as possible.

Please note: your appointment is not confirmed yet. You will receive a separate confirmation as soon as we have scheduled it.

Your request
Preferred date: [Date], [TimeWindow]
Vehicle: [Plate]
Work: [Services]

Changed your mind? You can cancel your request here:
[CancelLink]

Any questions? Call us on [LocationPhone].

Kind regards,
[Location]`,
      },
      nl: {
        subject: 'Uw aanvraag voor een afspraak is goed ontvangen – [Location]',
        body: `Beste [CustomerName],

Bedankt voor uw aanvraag bij [Location]. We hebben die goed ontvangen en nemen zo snel mogelijk contact met u op.

Let op: uw afspraak is nog niet bevestigd. U krijgt een aparte bevestiging zodra we ze hebben ingepland.

Uw aanvraag
Gewenste datum: [Date], [TimeWindow]
Voertuig: [Plate]
Werken: [Services]

Toch niet nodig? Via deze link annuleert u uw aanvraag:
[CancelLink]

Nog vragen? Bel ons gerust op [LocationPhone].

Met vriendelijke groeten,
[Location]`,
      },
      fr: {
        subject: 'Nous avons bien reçu votre demande de rendez-vous – [Location]',
        body: `Bonjour [CustomerName],

Merci pour votre demande de rendez-vous chez [Location]. Nous l'avons bien reçue et nous vous recontacterons dans les plus brefs délais.

Attention : votre rendez-vous n'est pas encore confirmé. Vous recevrez une confirmation séparée dès que nous l'aurons planifié.

Votre demande
Date souhaitée : [Date], [TimeWindow]
Véhicule : [Plate]
Travaux : [Services]

Vous avez changé d'avis ? Vous pouvez annuler votre demande ici :
[CancelLink]

Une question ? Appelez-nous au [LocationPhone].

Bien cordialement,
[Location]`,
      },
      de: {
        subject: 'Ihre Terminanfrage ist bei uns eingegangen – [Location]',
        body: `Guten Tag [CustomerName],

vielen Dank für Ihre Terminanfrage bei [Location]. Wir haben sie erhalten und melden uns so schnell wie möglich bei Ihnen.

Bitte beachten Sie: Ihr Termin ist noch nicht bestätigt. Sie erhalten eine gesonderte Bestätigung, sobald wir ihn eingeplant haben.

Ihre Anfrage
Wunschtermin: [Date], [TimeWindow]
Fahrzeug: [Plate]
Arbeiten: [Services]

Sie möchten die Anfrage zurückziehen? Hier können Sie sie stornieren:
[CancelLink]

Haben Sie Fragen? Rufen Sie uns gerne unter [LocationPhone] an.

Mit freundlichen Grüßen
[Location]`,
      },
    },
    sms: {
      en: sms('[Location]: we have received your request for [Date] ([Plate]). It is not confirmed yet; we will contact you. Cancel: [CancelLink]'),
      nl: sms('[Location]: we hebben uw aanvraag voor [Date] ([Plate]) ontvangen. Ze is nog niet bevestigd; we nemen contact met u op. Annuleren: [CancelLink]'),
      fr: sms("[Location] : votre demande pour le [Date] ([Plate]) nous est bien parvenue. Elle n'est pas encore confirmée ; nous vous recontacterons. Annuler : [CancelLink]"),
      de: sms('[Location]: Ihre Terminanfrage für [Date] ([Plate]) ist eingegangen. Sie ist noch nicht bestätigt; wir melden uns. Stornieren: [CancelLink]'),
    },
  },
  lead_rejection: {
    email: {
      en: {
        subject: 'Your appointment request at [Location]',
        body: `Dear [CustomerName],

Thank you for your appointment request for [Date] ([TimeWindow]) for your vehicle [Plate].

Unfortunately we cannot accept this request. We apologise for the inconvenience.

Please call us on [LocationPhone] and we will gladly find another date with you.

Kind regards,
[Location]`,
      },
      nl: {
        subject: 'Uw aanvraag voor een afspraak bij [Location]',
        body: `Beste [CustomerName],

Bedankt voor uw aanvraag voor [Date] ([TimeWindow]) voor uw voertuig [Plate].

Helaas kunnen we deze aanvraag niet aanvaarden. Onze excuses voor het ongemak.

Bel ons gerust op [LocationPhone], dan zoeken we samen een ander moment.

Met vriendelijke groeten,
[Location]`,
      },
      fr: {
        subject: 'Votre demande de rendez-vous chez [Location]',
        body: `Bonjour [CustomerName],

Merci pour votre demande de rendez-vous du [Date] ([TimeWindow]) pour votre véhicule [Plate].

Malheureusement, nous ne pouvons pas donner suite à cette demande. Nous vous prions de nous excuser pour ce désagrément.

N'hésitez pas à nous appeler au [LocationPhone] : nous chercherons volontiers une autre date avec vous.

Bien cordialement,
[Location]`,
      },
      de: {
        subject: 'Ihre Terminanfrage bei [Location]',
        body: `Guten Tag [CustomerName],

vielen Dank für Ihre Terminanfrage zum [Date] ([TimeWindow]) für Ihr Fahrzeug [Plate].

Leider können wir diese Anfrage nicht annehmen. Wir bitten um Ihr Verständnis.

Rufen Sie uns gerne unter [LocationPhone] an – wir finden gemeinsam einen anderen Termin.

Mit freundlichen Grüßen
[Location]`,
      },
    },
    sms: {
      en: sms('[Location]: unfortunately we cannot accept your request for [Date] ([Plate]). Please call us on [LocationPhone] to find another date.'),
      nl: sms('[Location]: helaas kunnen we uw aanvraag voor [Date] ([Plate]) niet aanvaarden. Bel ons op [LocationPhone] voor een ander moment.'),
      fr: sms("[Location] : malheureusement, nous ne pouvons pas accepter votre demande pour le [Date] ([Plate]). Appelez-nous au [LocationPhone] pour convenir d'une autre date."),
      de: sms('[Location]: Leider können wir Ihre Terminanfrage für [Date] ([Plate]) nicht annehmen. Rufen Sie uns unter [LocationPhone] an, wir finden einen anderen Termin.'),
    },
  },
  appointment_confirmation: {
    email: {
      en: {
        subject: 'Your appointment at [Location] on [Date] is confirmed',
        body: `Dear [CustomerName],

We are pleased to confirm your appointment:

Date: [Date]
Time: [Time]
Where: [Location]
Vehicle: [Plate]
Work: [Services]

Please bring your vehicle at the agreed time. Need to move or cancel the appointment? Call us on [LocationPhone].

See you soon,
[Location]`,
      },
      nl: {
        subject: 'Uw afspraak bij [Location] op [Date] is bevestigd',
        body: `Beste [CustomerName],

Graag bevestigen we uw afspraak:

Datum: [Date]
Uur: [Time]
Waar: [Location]
Voertuig: [Plate]
Werken: [Services]

Breng uw voertuig binnen op het afgesproken uur. Wilt u de afspraak verplaatsen of annuleren? Bel ons op [LocationPhone].

Tot binnenkort,
[Location]`,
      },
      fr: {
        subject: 'Votre rendez-vous du [Date] chez [Location] est confirmé',
        body: `Bonjour [CustomerName],

Nous avons le plaisir de vous confirmer votre rendez-vous :

Date : [Date]
Heure : [Time]
Lieu : [Location]
Véhicule : [Plate]
Travaux : [Services]

Merci de déposer votre véhicule à l'heure convenue. Vous souhaitez déplacer ou annuler ce rendez-vous ? Appelez-nous au [LocationPhone].

À bientôt,
[Location]`,
      },
      de: {
        subject: 'Ihr Termin am [Date] bei [Location] ist bestätigt',
        body: `Guten Tag [CustomerName],

hiermit bestätigen wir Ihren Termin:

Datum: [Date]
Uhrzeit: [Time]
Ort: [Location]
Fahrzeug: [Plate]
Arbeiten: [Services]

Bitte bringen Sie Ihr Fahrzeug zur vereinbarten Zeit vorbei. Möchten Sie den Termin verschieben oder absagen? Rufen Sie uns unter [LocationPhone] an.

Bis bald
[Location]`,
      },
    },
    sms: {
      en: sms('[Location]: your appointment on [Date] at [Time] is confirmed ([Plate]). To move it, call us on [LocationPhone].'),
      nl: sms('[Location]: uw afspraak op [Date] om [Time] is bevestigd ([Plate]). Verplaatsen? Bel ons op [LocationPhone].'),
      fr: sms('[Location] : votre rendez-vous du [Date] à [Time] est confirmé ([Plate]). Pour le déplacer, appelez-nous au [LocationPhone].'),
      de: sms('[Location]: Ihr Termin am [Date] um [Time] Uhr ist bestätigt ([Plate]). Für Änderungen rufen Sie uns unter [LocationPhone] an.'),
    },
  },
};
