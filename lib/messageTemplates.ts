/**
 * The texts customers get from the lead manager (M2, M3, M9) and the online
 * check-in (C1, W1): one per purpose × channel × language, built in here and
 * replaceable per company (db/messageTemplates.ts, admin page
 * /staff/settings/messages). Tags in square brackets expand as in the P7
 * communication templates. A WhatsApp message goes out as an approved
 * template (whatsappTemplate): its text here is what the template says.
 */
import { expandTags, tagsIn } from './communicationTemplates';
import { isLanguage, type Language } from './i18n';
import type { Channel, TemplateMessage } from './messaging';

export const messagePurposes = ['lead_acknowledgement', 'lead_rejection', 'appointment_confirmation', 'checkin_link', 'checkin_reminder'] as const;
export type MessagePurpose = (typeof messagePurposes)[number];

export const messageChannels = ['email', 'sms', 'whatsapp'] as const satisfies readonly Channel[];

/** The channels each message can go by, in the order they are preferred. */
export const purposeChannels: Record<MessagePurpose, readonly Channel[]> = {
  lead_acknowledgement: ['email', 'sms'],
  lead_rejection: ['email', 'sms'],
  appointment_confirmation: ['email', 'sms'],
  // C1: by the customer's preferred channel.
  checkin_link: ['email', 'sms'],
  // W1: WhatsApp where the company has it, else SMS or e-mail.
  checkin_reminder: ['whatsapp', 'sms', 'email'],
};

export function offersChannel(purpose: MessagePurpose, channel: Channel): boolean {
  return purposeChannels[purpose].includes(channel);
}

export const messageTags = [
  'CustomerName',
  'Date',
  'Time',
  'TimeWindow',
  'Location',
  'LocationPhone',
  'Plate',
  'CancelLink',
  'Services',
  'CheckinLink',
  'ManageLink',
] as const;
export type MessageTag = (typeof messageTags)[number];
export type MessageValues = Partial<Record<MessageTag, string>>;

/** The tags each message is sent with; the others expand to nothing in it. */
export const purposeTags: Record<MessagePurpose, readonly MessageTag[]> = {
  lead_acknowledgement: ['CustomerName', 'Date', 'TimeWindow', 'Location', 'LocationPhone', 'Plate', 'Services', 'CancelLink'],
  lead_rejection: ['CustomerName', 'Date', 'TimeWindow', 'Location', 'LocationPhone', 'Plate', 'Services'],
  appointment_confirmation: ['CustomerName', 'Date', 'Time', 'Location', 'LocationPhone', 'Plate', 'Services', 'ManageLink'],
  checkin_link: ['CustomerName', 'Date', 'Time', 'Location', 'LocationPhone', 'Plate', 'CheckinLink'],
  checkin_reminder: ['CustomerName', 'Date', 'Time', 'Location', 'LocationPhone', 'Plate', 'CheckinLink'],
};

export function isMessagePurpose(value: unknown): value is MessagePurpose {
  return typeof value === 'string' && (messagePurposes as readonly string[]).includes(value);
}

export interface MessageText {
  /** '' for SMS and WhatsApp */
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
  const expand = (text: string) => expandTags(text, filled);
  return { subject: expand(template.subject), text: expand(template.body) };
}


/** Tags in a text that are not ours (left as typed), and ours that this message is not sent with (left empty). */
export function tagProblems(template: MessageText, purpose: MessagePurpose): { unknown: string[]; unavailable: string[] } {
  const used = tagsIn(`${template.subject}\n${template.body}`);
  const known = (tag: string): tag is MessageTag => (messageTags as readonly string[]).includes(tag);
  return {
    unknown: used.filter((tag) => !known(tag)),
    unavailable: used.filter((tag) => known(tag) && !purposeTags[purpose].includes(tag)),
  };
}

// ---------------------------------------------------------------------------
// WhatsApp templates. Registered with Meta once per language under `name`,
// the body with {{1}}, {{2}}... where the text below has the parameters' tags
// (whatsappTemplateBody prints it). The order of `parameters` is the numbering.

export interface WhatsappTemplateDefinition {
  name: string;
  parameters: readonly MessageTag[];
}

export const whatsappTemplates: Partial<Record<MessagePurpose, WhatsappTemplateDefinition>> = {
  checkin_reminder: { name: 'checkin_reminder', parameters: ['CustomerName', 'Location', 'Date', 'Time', 'Plate', 'CheckinLink', 'LocationPhone'] },
};

function whatsappDefinition(purpose: MessagePurpose): WhatsappTemplateDefinition {
  const definition = whatsappTemplates[purpose];
  if (!definition) throw new Error(`message ${purpose} is not sent by WhatsApp: it has no template`);
  return definition;
}

/**
 * The template message the WhatsApp provider sends for a message: its name,
 * the language (an unknown one reads English) and the values in the
 * template's order. WhatsApp refuses an empty parameter and one with a line
 * break, a tab or more than four spaces in a row: white space is folded and
 * a missing value becomes "-".
 */
export function whatsappTemplate(purpose: MessagePurpose, language: string, values: MessageValues): TemplateMessage {
  const { name, parameters } = whatsappDefinition(purpose);
  return {
    name,
    language: isLanguage(language) ? language : 'en',
    parameters: parameters.map((tag) => (values[tag] ?? '').replace(/\s+/g, ' ').trim() || '-'),
  };
}

/** A WhatsApp text as it is registered with Meta: each parameter's tag as {{n}}. */
export function whatsappTemplateBody(purpose: MessagePurpose, text: string): string {
  const { parameters } = whatsappDefinition(purpose);
  return expandTags(text, Object.fromEntries(parameters.map((tag, index) => [tag, `{{${index + 1}}}`])));
}

/**
 * A WhatsApp text must say what the approved template says: every parameter
 * at least once (WhatsApp fills them all), no other tag (nothing would fill it).
 */
export function whatsappTagProblems(purpose: MessagePurpose, text: string): { missing: MessageTag[]; extra: string[] } {
  const { parameters } = whatsappDefinition(purpose);
  const used = tagsIn(text);
  return {
    missing: parameters.filter((tag) => !used.includes(tag)),
    extra: used.filter((tag) => !(parameters as readonly string[]).includes(tag)),
  };
}

export function builtInMessageTemplate(purpose: MessagePurpose, channel: Channel, language: Language): MessageText {
  const texts = builtIn[purpose][channel];
  if (!texts) throw new Error(`message ${purpose} is not sent by ${channel}`);
  return texts[language];
}

// ---------------------------------------------------------------------------
// Built-in texts. SMS stay short and in the GSM alphabet (no ç, ê: one
// such character makes every part hold 67 characters instead of 153): with
// typical values (a 25-character date, a 75-character cancel or check-in
// link) each fits in 320 characters. WhatsApp texts do not start or end
// with a tag (Meta refuses such templates).

type Texts = Record<MessagePurpose, Partial<Record<Channel, Record<Language, MessageText>>>>;
const sms = (body: string): MessageText => ({ subject: '', body });
const whatsapp = sms;

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

Please bring your vehicle at the agreed time. Need to move or cancel the appointment? Do it here:
[ManageLink]
or call us on [LocationPhone]. The calendar file is attached.

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

Breng uw voertuig binnen op het afgesproken uur. Wilt u de afspraak verplaatsen of annuleren? Dat kan hier:
[ManageLink]
of bel ons op [LocationPhone]. Het agendabestand zit in de bijlage.

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

Merci de déposer votre véhicule à l'heure convenue. Vous souhaitez déplacer ou annuler ce rendez-vous ? C'est possible ici :
[ManageLink]
ou appelez-nous au [LocationPhone]. Le fichier agenda est joint.

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

Bitte bringen Sie Ihr Fahrzeug zur vereinbarten Zeit vorbei. Möchten Sie den Termin verschieben oder absagen? Das geht hier:
[ManageLink]
oder rufen Sie uns unter [LocationPhone] an. Die Kalenderdatei ist angehängt.

Bis bald
[Location]`,
      },
    },
    sms: {
      en: sms('[Location]: your appointment on [Date] at [Time] is confirmed ([Plate]). Move or cancel: [ManageLink]'),
      nl: sms('[Location]: uw afspraak op [Date] om [Time] is bevestigd ([Plate]). Verplaatsen of annuleren: [ManageLink]'),
      fr: sms('[Location] : votre rendez-vous du [Date] à [Time] est confirmé ([Plate]). Déplacer ou annuler : [ManageLink]'),
      de: sms('[Location]: Ihr Termin am [Date] um [Time] Uhr ist bestätigt ([Plate]). Verschieben oder absagen: [ManageLink]'),
    },
  },
  checkin_link: {
    email: {
      en: {
        subject: 'Check in online for your appointment on [Date] – [Location]',
        body: `Dear [CustomerName],

Your appointment at [Location] is on [Date] at [Time] (vehicle [Plate]).

Save time at the counter and check in online now. You can:
- look at the planned work and its prices,
- add optional services,
- tell us what you noticed on your vehicle, with photos,
- choose how we contact you: e-mail or SMS.

Check in here:
[CheckinLink]

Need to move the appointment? Call us on [LocationPhone].

Kind regards,
[Location]`,
      },
      nl: {
        subject: 'Check online in voor uw afspraak op [Date] – [Location]',
        body: `Beste [CustomerName],

Uw afspraak bij [Location] staat gepland op [Date] om [Time] (voertuig [Plate]).

Win tijd aan de balie en check nu online in. U kunt:
- de geplande werken en hun prijzen bekijken,
- extra diensten bestellen,
- opmerkingen over uw voertuig doorgeven, met foto's,
- kiezen hoe we u contacteren: e-mail of sms.

Online inchecken:
[CheckinLink]

Wilt u de afspraak verplaatsen? Bel ons op [LocationPhone].

Met vriendelijke groeten,
[Location]`,
      },
      fr: {
        subject: 'Faites votre check-in en ligne pour votre rendez-vous du [Date] – [Location]',
        body: `Bonjour [CustomerName],

Votre rendez-vous chez [Location] est prévu le [Date] à [Time] (véhicule [Plate]).

Gagnez du temps à l'accueil : faites dès maintenant votre check-in en ligne. Vous pourrez :
- consulter les travaux prévus et leurs prix,
- ajouter des services optionnels,
- nous signaler ce que vous avez remarqué sur votre véhicule, photos à l'appui,
- choisir comment nous vous contactons : e-mail ou SMS.

Check-in en ligne :
[CheckinLink]

Vous souhaitez déplacer le rendez-vous ? Appelez-nous au [LocationPhone].

Bien cordialement,
[Location]`,
      },
      de: {
        subject: 'Online-Check-in für Ihren Termin am [Date] – [Location]',
        body: `Guten Tag [CustomerName],

Ihr Termin bei [Location] ist am [Date] um [Time] Uhr (Fahrzeug [Plate]).

Sparen Sie Zeit bei der Fahrzeugannahme und checken Sie jetzt online ein. Sie können:
- die geplanten Arbeiten und ihre Preise ansehen,
- Zusatzleistungen buchen,
- uns mitteilen, was Ihnen am Fahrzeug aufgefallen ist, gern mit Fotos,
- wählen, wie wir Sie erreichen: E-Mail oder SMS.

Zum Online-Check-in:
[CheckinLink]

Möchten Sie den Termin verschieben? Rufen Sie uns unter [LocationPhone] an.

Mit freundlichen Grüßen
[Location]`,
      },
    },
    sms: {
      en: sms('[Location]: your appointment is on [Date] at [Time] ([Plate]). Check in online, see the planned work and add remarks: [CheckinLink]'),
      nl: sms('[Location]: uw afspraak is op [Date] om [Time] ([Plate]). Check online in, bekijk de geplande werken en geef opmerkingen door: [CheckinLink]'),
      fr: sms('[Location] : votre rendez-vous est le [Date] à [Time] ([Plate]). Check-in en ligne, travaux prévus et remarques : [CheckinLink]'),
      de: sms('[Location]: Ihr Termin ist am [Date] um [Time] Uhr ([Plate]). Jetzt online einchecken, geplante Arbeiten ansehen und Hinweise geben: [CheckinLink]'),
    },
  },
  checkin_reminder: {
    whatsapp: {
      en: whatsapp(`Hello [CustomerName], this is a reminder of your appointment at [Location] tomorrow, [Date] at [Time], for your vehicle [Plate].

Check in online or look at your check-in here: [CheckinLink]

Any questions? Reply to this message or call us on [LocationPhone].`),
      nl: whatsapp(`Beste [CustomerName], we herinneren u aan uw afspraak bij [Location] morgen, [Date] om [Time], voor uw voertuig [Plate].

Online inchecken of uw check-in bekijken kan hier: [CheckinLink]

Vragen? Antwoord gerust op dit bericht of bel ons op [LocationPhone].`),
      fr: whatsapp(`Bonjour [CustomerName], nous vous rappelons votre rendez-vous chez [Location] demain, le [Date] à [Time], pour votre véhicule [Plate].

Faites ou consultez votre check-in en ligne ici : [CheckinLink]

Une question ? Répondez à ce message ou appelez-nous au [LocationPhone].`),
      de: whatsapp(`Guten Tag [CustomerName], wir erinnern Sie an Ihren Termin bei [Location] morgen, [Date] um [Time] Uhr, für Ihr Fahrzeug [Plate].

Hier checken Sie online ein oder sehen Ihren Check-in an: [CheckinLink]

Fragen? Antworten Sie einfach auf diese Nachricht oder rufen Sie uns unter [LocationPhone] an.`),
    },
    sms: {
      en: sms('[Location]: reminder of your appointment tomorrow, [Date] at [Time] ([Plate]). Check in online: [CheckinLink] Questions? Call [LocationPhone].'),
      nl: sms('[Location]: herinnering aan uw afspraak morgen, [Date] om [Time] ([Plate]). Online inchecken: [CheckinLink] Vragen? Bel [LocationPhone].'),
      fr: sms('[Location] : rappel de votre rendez-vous demain, le [Date] à [Time] ([Plate]). Check-in en ligne : [CheckinLink] Une question ? Appelez le [LocationPhone].'),
      de: sms('[Location]: Erinnerung an Ihren Termin morgen, [Date] um [Time] Uhr ([Plate]). Online-Check-in: [CheckinLink] Fragen? Rufen Sie [LocationPhone] an.'),
    },
    email: {
      en: {
        subject: 'Reminder: your appointment tomorrow at [Location]',
        body: `Dear [CustomerName],

This is a reminder of your appointment tomorrow:

Date: [Date]
Time: [Time]
Where: [Location]
Vehicle: [Plate]

Not checked in online yet? You can still do so, or look at your check-in, here:
[CheckinLink]

Questions, or can you not make it after all? Call us on [LocationPhone].

See you tomorrow,
[Location]`,
      },
      nl: {
        subject: 'Herinnering: uw afspraak morgen bij [Location]',
        body: `Beste [CustomerName],

Graag herinneren we u aan uw afspraak van morgen:

Datum: [Date]
Uur: [Time]
Waar: [Location]
Voertuig: [Plate]

Nog niet online ingecheckt? Dat kan nog, en u kunt er ook uw check-in bekijken:
[CheckinLink]

Vragen, of past het toch niet? Bel ons op [LocationPhone].

Tot morgen,
[Location]`,
      },
      fr: {
        subject: 'Rappel : votre rendez-vous de demain chez [Location]',
        body: `Bonjour [CustomerName],

Nous vous rappelons votre rendez-vous de demain :

Date : [Date]
Heure : [Time]
Lieu : [Location]
Véhicule : [Plate]

Vous n'avez pas encore fait votre check-in en ligne ? Il est encore temps ; ce lien vous permet aussi de le consulter :
[CheckinLink]

Une question, ou un empêchement ? Appelez-nous au [LocationPhone].

À demain,
[Location]`,
      },
      de: {
        subject: 'Erinnerung: Ihr Termin morgen bei [Location]',
        body: `Guten Tag [CustomerName],

wir erinnern Sie an Ihren Termin morgen:

Datum: [Date]
Uhrzeit: [Time]
Ort: [Location]
Fahrzeug: [Plate]

Noch nicht online eingecheckt? Über diesen Link holen Sie es nach oder sehen Ihren Check-in an:
[CheckinLink]

Fragen, oder passt es doch nicht? Rufen Sie uns unter [LocationPhone] an.

Bis morgen
[Location]`,
      },
    },
  },
};
