/**
 * The built-in customer texts of the one template system (lib/templates.ts),
 * in one format: purpose → channel → language → { subject, body } (an
 * invitation also has a name; several ship per language). Tags are those of
 * lib/templates.ts templateTags. Companies replace or add their own
 * (db/templates.ts, table company_templates).
 *
 * SMS stay short and in the GSM alphabet (no ç, ê: one such character makes
 * every part hold 67 characters instead of 153): with typical values (a
 * 25-character date, a 75-character cancel or check-in link) each fits in
 * 320 characters. WhatsApp texts do not start or end with a tag (Meta
 * refuses such templates).
 */
import type { Language } from './i18n';
import type { Channel } from './messaging';

export interface BuiltInText {
  /** '' for SMS and WhatsApp */
  subject: string;
  body: string;
}

const sms = (body: string): BuiltInText => ({ subject: '', body });
const whatsapp = sms;

/** P3 (estimate) and P4 (repair): the e-mail with the link that confirms the booking. */
const bookingLinkTexts = {
  booking_link: {
    email: {
      en: {
        subject: 'Please confirm your appointment at [LocationName]',
        body: `Hello [CustomerName],

Thank you for your request for an estimate at [LocationName] on [Date] at [Time] for vehicle [Plate].

Confirm my appointment:
[ConfirmLink]

This link is valid for [LinkMinutes] minutes. Until you click it, no appointment has been made.

Did you not make this request? Then ignore this e-mail; nothing will be booked.

Kind regards,
[LocationName]`,
      },
      nl: {
        subject: 'Bevestig uw afspraak bij [LocationName]',
        body: `Beste [CustomerName],

Bedankt voor uw aanvraag voor een bestek bij [LocationName] op [Date] om [Time] voor voertuig [Plate].

Mijn afspraak bevestigen:
[ConfirmLink]

Deze link is [LinkMinutes] minuten geldig. Zolang u niet klikt, is er geen afspraak gemaakt.

Hebt u deze aanvraag niet gedaan? Negeer dan deze e-mail; er wordt niets geboekt.

Met vriendelijke groeten,
[LocationName]`,
      },
      fr: {
        subject: 'Veuillez confirmer votre rendez-vous chez [LocationName]',
        body: `Bonjour [CustomerName],

Merci pour votre demande de devis chez [LocationName] le [Date] à [Time] pour le véhicule [Plate].

Confirmer mon rendez-vous :
[ConfirmLink]

Ce lien est valable [LinkMinutes] minutes. Tant que vous n'avez pas cliqué, aucun rendez-vous n'est pris.

Vous n'avez pas fait cette demande ? Ignorez simplement cet e-mail ; rien ne sera réservé.

Cordialement,
[LocationName]`,
      },
      de: {
        subject: 'Bitte bestätigen Sie Ihren Termin bei [LocationName]',
        body: `Guten Tag [CustomerName],

vielen Dank für Ihre Anfrage für einen Kostenvoranschlag bei [LocationName] am [Date] um [Time] Uhr für das Fahrzeug [Plate].

Meinen Termin bestätigen:
[ConfirmLink]

Dieser Link ist [LinkMinutes] Minuten gültig. Solange Sie nicht klicken, ist kein Termin gebucht.

Sie haben diese Anfrage nicht gestellt? Dann ignorieren Sie diese E-Mail; es wird nichts gebucht.

Mit freundlichen Grüßen
[LocationName]`,
      },
    },
  },
  repair_booking_link: {
    email: {
      en: {
        subject: 'Please confirm your appointment at [LocationName]',
        body: `Hello [CustomerName],

You asked to book the repair of vehicle [Plate] (job [JobNumber]) at [LocationName] on [Date] at [Time].

Confirm my appointment:
[ConfirmLink]

This link is valid for [LinkMinutes] minutes. Until you click it, no appointment has been made.

Did you not make this request? Then ignore this e-mail; nothing will be booked.

Kind regards,
[LocationName]`,
      },
      nl: {
        subject: 'Bevestig uw afspraak bij [LocationName]',
        body: `Beste [CustomerName],

U vroeg een afspraak voor de herstelling van voertuig [Plate] (dossier [JobNumber]) bij [LocationName] op [Date] om [Time].

Mijn afspraak bevestigen:
[ConfirmLink]

Deze link is [LinkMinutes] minuten geldig. Zolang u niet klikt, is er geen afspraak gemaakt.

Hebt u deze aanvraag niet gedaan? Negeer dan deze e-mail; er wordt niets geboekt.

Met vriendelijke groeten,
[LocationName]`,
      },
      fr: {
        subject: 'Veuillez confirmer votre rendez-vous chez [LocationName]',
        body: `Bonjour [CustomerName],

Vous avez demandé un rendez-vous pour la réparation du véhicule [Plate] (dossier [JobNumber]) chez [LocationName] le [Date] à [Time].

Confirmer mon rendez-vous :
[ConfirmLink]

Ce lien est valable [LinkMinutes] minutes. Tant que vous n'avez pas cliqué, aucun rendez-vous n'est pris.

Vous n'avez pas fait cette demande ? Ignorez simplement cet e-mail ; rien ne sera réservé.

Cordialement,
[LocationName]`,
      },
      de: {
        subject: 'Bitte bestätigen Sie Ihren Termin bei [LocationName]',
        body: `Guten Tag [CustomerName],

Sie haben einen Termin für die Reparatur des Fahrzeugs [Plate] (Auftrag [JobNumber]) bei [LocationName] am [Date] um [Time] Uhr angefragt.

Meinen Termin bestätigen:
[ConfirmLink]

Dieser Link ist [LinkMinutes] Minuten gültig. Solange Sie nicht klicken, ist kein Termin gebucht.

Sie haben diese Anfrage nicht gestellt? Dann ignorieren Sie diese E-Mail; es wird nichts gebucht.

Mit freundlichen Grüßen
[LocationName]`,
      },
    },
  },
};

const messageTexts = {
  lead_acknowledgement: {
    email: {
      en: {
        subject: 'We have received your appointment request – [LocationName]',
        body: `Dear [CustomerName],

Thank you for your appointment request at [LocationName]. We have received it and will contact you as soon as possible.

Please note: your appointment is not confirmed yet. You will receive a separate confirmation as soon as we have scheduled it.

Your request
Preferred date: [Date], [TimeWindow]
Vehicle: [Plate]
Work: [Services]

Changed your mind? You can cancel your request here:
[CancelLink]

Any questions? Call us on [LocationPhone].

Kind regards,
[LocationName]`,
      },
      nl: {
        subject: 'Uw aanvraag voor een afspraak is goed ontvangen – [LocationName]',
        body: `Beste [CustomerName],

Bedankt voor uw aanvraag bij [LocationName]. We hebben die goed ontvangen en nemen zo snel mogelijk contact met u op.

Let op: uw afspraak is nog niet bevestigd. U krijgt een aparte bevestiging zodra we ze hebben ingepland.

Uw aanvraag
Gewenste datum: [Date], [TimeWindow]
Voertuig: [Plate]
Werken: [Services]

Toch niet nodig? Via deze link annuleert u uw aanvraag:
[CancelLink]

Nog vragen? Bel ons gerust op [LocationPhone].

Met vriendelijke groeten,
[LocationName]`,
      },
      fr: {
        subject: 'Nous avons bien reçu votre demande de rendez-vous – [LocationName]',
        body: `Bonjour [CustomerName],

Merci pour votre demande de rendez-vous chez [LocationName]. Nous l'avons bien reçue et nous vous recontacterons dans les plus brefs délais.

Attention : votre rendez-vous n'est pas encore confirmé. Vous recevrez une confirmation séparée dès que nous l'aurons planifié.

Votre demande
Date souhaitée : [Date], [TimeWindow]
Véhicule : [Plate]
Travaux : [Services]

Vous avez changé d'avis ? Vous pouvez annuler votre demande ici :
[CancelLink]

Une question ? Appelez-nous au [LocationPhone].

Bien cordialement,
[LocationName]`,
      },
      de: {
        subject: 'Ihre Terminanfrage ist bei uns eingegangen – [LocationName]',
        body: `Guten Tag [CustomerName],

vielen Dank für Ihre Terminanfrage bei [LocationName]. Wir haben sie erhalten und melden uns so schnell wie möglich bei Ihnen.

Bitte beachten Sie: Ihr Termin ist noch nicht bestätigt. Sie erhalten eine gesonderte Bestätigung, sobald wir ihn eingeplant haben.

Ihre Anfrage
Wunschtermin: [Date], [TimeWindow]
Fahrzeug: [Plate]
Arbeiten: [Services]

Sie möchten die Anfrage zurückziehen? Hier können Sie sie stornieren:
[CancelLink]

Haben Sie Fragen? Rufen Sie uns gerne unter [LocationPhone] an.

Mit freundlichen Grüßen
[LocationName]`,
      },
    },
    sms: {
      en: sms('[LocationName]: we have received your request for [Date] ([Plate]). It is not confirmed yet; we will contact you. Cancel: [CancelLink]'),
      nl: sms('[LocationName]: we hebben uw aanvraag voor [Date] ([Plate]) ontvangen. Ze is nog niet bevestigd; we nemen contact met u op. Annuleren: [CancelLink]'),
      fr: sms("[LocationName] : votre demande pour le [Date] ([Plate]) nous est bien parvenue. Elle n'est pas encore confirmée ; nous vous recontacterons. Annuler : [CancelLink]"),
      de: sms('[LocationName]: Ihre Terminanfrage für [Date] ([Plate]) ist eingegangen. Sie ist noch nicht bestätigt; wir melden uns. Stornieren: [CancelLink]'),
    },
  },
  lead_rejection: {
    email: {
      en: {
        subject: 'Your appointment request at [LocationName]',
        body: `Dear [CustomerName],

Thank you for your appointment request for [Date] ([TimeWindow]) for your vehicle [Plate].

Unfortunately we cannot accept this request. We apologise for the inconvenience.

Please call us on [LocationPhone] and we will gladly find another date with you.

Kind regards,
[LocationName]`,
      },
      nl: {
        subject: 'Uw aanvraag voor een afspraak bij [LocationName]',
        body: `Beste [CustomerName],

Bedankt voor uw aanvraag voor [Date] ([TimeWindow]) voor uw voertuig [Plate].

Helaas kunnen we deze aanvraag niet aanvaarden. Onze excuses voor het ongemak.

Bel ons gerust op [LocationPhone], dan zoeken we samen een ander moment.

Met vriendelijke groeten,
[LocationName]`,
      },
      fr: {
        subject: 'Votre demande de rendez-vous chez [LocationName]',
        body: `Bonjour [CustomerName],

Merci pour votre demande de rendez-vous du [Date] ([TimeWindow]) pour votre véhicule [Plate].

Malheureusement, nous ne pouvons pas donner suite à cette demande. Nous vous prions de nous excuser pour ce désagrément.

N'hésitez pas à nous appeler au [LocationPhone] : nous chercherons volontiers une autre date avec vous.

Bien cordialement,
[LocationName]`,
      },
      de: {
        subject: 'Ihre Terminanfrage bei [LocationName]',
        body: `Guten Tag [CustomerName],

vielen Dank für Ihre Terminanfrage zum [Date] ([TimeWindow]) für Ihr Fahrzeug [Plate].

Leider können wir diese Anfrage nicht annehmen. Wir bitten um Ihr Verständnis.

Rufen Sie uns gerne unter [LocationPhone] an – wir finden gemeinsam einen anderen Termin.

Mit freundlichen Grüßen
[LocationName]`,
      },
    },
    sms: {
      en: sms('[LocationName]: unfortunately we cannot accept your request for [Date] ([Plate]). Please call us on [LocationPhone] to find another date.'),
      nl: sms('[LocationName]: helaas kunnen we uw aanvraag voor [Date] ([Plate]) niet aanvaarden. Bel ons op [LocationPhone] voor een ander moment.'),
      fr: sms("[LocationName] : malheureusement, nous ne pouvons pas accepter votre demande pour le [Date] ([Plate]). Appelez-nous au [LocationPhone] pour convenir d'une autre date."),
      de: sms('[LocationName]: Leider können wir Ihre Terminanfrage für [Date] ([Plate]) nicht annehmen. Rufen Sie uns unter [LocationPhone] an, wir finden einen anderen Termin.'),
    },
  },
  appointment_confirmation: {
    email: {
      en: {
        subject: 'Your appointment at [LocationName] on [Date] is confirmed',
        body: `Dear [CustomerName],

We are pleased to confirm your appointment:

Date: [Date]
Time: [Time]
Where: [LocationName]
Vehicle: [Plate]
Work: [Services]

Please bring your vehicle at the agreed time. Need to move or cancel the appointment? Do it here:
[ManageLink]
or call us on [LocationPhone]. The calendar file is attached.

See you soon,
[LocationName]`,
      },
      nl: {
        subject: 'Uw afspraak bij [LocationName] op [Date] is bevestigd',
        body: `Beste [CustomerName],

Graag bevestigen we uw afspraak:

Datum: [Date]
Uur: [Time]
Waar: [LocationName]
Voertuig: [Plate]
Werken: [Services]

Breng uw voertuig binnen op het afgesproken uur. Wilt u de afspraak verplaatsen of annuleren? Dat kan hier:
[ManageLink]
of bel ons op [LocationPhone]. Het agendabestand zit in de bijlage.

Tot binnenkort,
[LocationName]`,
      },
      fr: {
        subject: 'Votre rendez-vous du [Date] chez [LocationName] est confirmé',
        body: `Bonjour [CustomerName],

Nous avons le plaisir de vous confirmer votre rendez-vous :

Date : [Date]
Heure : [Time]
Lieu : [LocationName]
Véhicule : [Plate]
Travaux : [Services]

Merci de déposer votre véhicule à l'heure convenue. Vous souhaitez déplacer ou annuler ce rendez-vous ? C'est possible ici :
[ManageLink]
ou appelez-nous au [LocationPhone]. Le fichier agenda est joint.

À bientôt,
[LocationName]`,
      },
      de: {
        subject: 'Ihr Termin am [Date] bei [LocationName] ist bestätigt',
        body: `Guten Tag [CustomerName],

hiermit bestätigen wir Ihren Termin:

Datum: [Date]
Uhrzeit: [Time]
Ort: [LocationName]
Fahrzeug: [Plate]
Arbeiten: [Services]

Bitte bringen Sie Ihr Fahrzeug zur vereinbarten Zeit vorbei. Möchten Sie den Termin verschieben oder absagen? Das geht hier:
[ManageLink]
oder rufen Sie uns unter [LocationPhone] an. Die Kalenderdatei ist angehängt.

Bis bald
[LocationName]`,
      },
    },
    sms: {
      en: sms('[LocationName]: your appointment on [Date] at [Time] is confirmed ([Plate]). Move or cancel: [ManageLink]'),
      nl: sms('[LocationName]: uw afspraak op [Date] om [Time] is bevestigd ([Plate]). Verplaatsen of annuleren: [ManageLink]'),
      fr: sms('[LocationName] : votre rendez-vous du [Date] à [Time] est confirmé ([Plate]). Déplacer ou annuler : [ManageLink]'),
      de: sms('[LocationName]: Ihr Termin am [Date] um [Time] Uhr ist bestätigt ([Plate]). Verschieben oder absagen: [ManageLink]'),
    },
  },
  checkin_link: {
    email: {
      en: {
        subject: 'Check in online for your appointment on [Date] – [LocationName]',
        body: `Dear [CustomerName],

Your appointment at [LocationName] is on [Date] at [Time] (vehicle [Plate]).

Save time at the counter and check in online now. You can:
- look at the planned work and its prices,
- add optional services,
- tell us what you noticed on your vehicle, with photos,
- choose how we contact you: e-mail or SMS.

Check in here:
[CheckinLink]

Need to move the appointment? Call us on [LocationPhone].

Kind regards,
[LocationName]`,
      },
      nl: {
        subject: 'Check online in voor uw afspraak op [Date] – [LocationName]',
        body: `Beste [CustomerName],

Uw afspraak bij [LocationName] staat gepland op [Date] om [Time] (voertuig [Plate]).

Win tijd aan de balie en check nu online in. U kunt:
- de geplande werken en hun prijzen bekijken,
- extra diensten bestellen,
- opmerkingen over uw voertuig doorgeven, met foto's,
- kiezen hoe we u contacteren: e-mail of sms.

Online inchecken:
[CheckinLink]

Wilt u de afspraak verplaatsen? Bel ons op [LocationPhone].

Met vriendelijke groeten,
[LocationName]`,
      },
      fr: {
        subject: 'Faites votre check-in en ligne pour votre rendez-vous du [Date] – [LocationName]',
        body: `Bonjour [CustomerName],

Votre rendez-vous chez [LocationName] est prévu le [Date] à [Time] (véhicule [Plate]).

Gagnez du temps à l'accueil : faites dès maintenant votre check-in en ligne. Vous pourrez :
- consulter les travaux prévus et leurs prix,
- ajouter des services optionnels,
- nous signaler ce que vous avez remarqué sur votre véhicule, photos à l'appui,
- choisir comment nous vous contactons : e-mail ou SMS.

Check-in en ligne :
[CheckinLink]

Vous souhaitez déplacer le rendez-vous ? Appelez-nous au [LocationPhone].

Bien cordialement,
[LocationName]`,
      },
      de: {
        subject: 'Online-Check-in für Ihren Termin am [Date] – [LocationName]',
        body: `Guten Tag [CustomerName],

Ihr Termin bei [LocationName] ist am [Date] um [Time] Uhr (Fahrzeug [Plate]).

Sparen Sie Zeit bei der Fahrzeugannahme und checken Sie jetzt online ein. Sie können:
- die geplanten Arbeiten und ihre Preise ansehen,
- Zusatzleistungen buchen,
- uns mitteilen, was Ihnen am Fahrzeug aufgefallen ist, gern mit Fotos,
- wählen, wie wir Sie erreichen: E-Mail oder SMS.

Zum Online-Check-in:
[CheckinLink]

Möchten Sie den Termin verschieben? Rufen Sie uns unter [LocationPhone] an.

Mit freundlichen Grüßen
[LocationName]`,
      },
    },
    sms: {
      en: sms('[LocationName]: your appointment is on [Date] at [Time] ([Plate]). Check in online, see the planned work and add remarks: [CheckinLink]'),
      nl: sms('[LocationName]: uw afspraak is op [Date] om [Time] ([Plate]). Check online in, bekijk de geplande werken en geef opmerkingen door: [CheckinLink]'),
      fr: sms('[LocationName] : votre rendez-vous est le [Date] à [Time] ([Plate]). Check-in en ligne, travaux prévus et remarques : [CheckinLink]'),
      de: sms('[LocationName]: Ihr Termin ist am [Date] um [Time] Uhr ([Plate]). Jetzt online einchecken, geplante Arbeiten ansehen und Hinweise geben: [CheckinLink]'),
    },
  },
  checkin_reminder: {
    whatsapp: {
      en: whatsapp(`Hello [CustomerName], this is a reminder of your appointment at [LocationName] tomorrow, [Date] at [Time], for your vehicle [Plate].

Check in online or look at your check-in here: [CheckinLink]

Any questions? Reply to this message or call us on [LocationPhone].`),
      nl: whatsapp(`Beste [CustomerName], we herinneren u aan uw afspraak bij [LocationName] morgen, [Date] om [Time], voor uw voertuig [Plate].

Online inchecken of uw check-in bekijken kan hier: [CheckinLink]

Vragen? Antwoord gerust op dit bericht of bel ons op [LocationPhone].`),
      fr: whatsapp(`Bonjour [CustomerName], nous vous rappelons votre rendez-vous chez [LocationName] demain, le [Date] à [Time], pour votre véhicule [Plate].

Faites ou consultez votre check-in en ligne ici : [CheckinLink]

Une question ? Répondez à ce message ou appelez-nous au [LocationPhone].`),
      de: whatsapp(`Guten Tag [CustomerName], wir erinnern Sie an Ihren Termin bei [LocationName] morgen, [Date] um [Time] Uhr, für Ihr Fahrzeug [Plate].

Hier checken Sie online ein oder sehen Ihren Check-in an: [CheckinLink]

Fragen? Antworten Sie einfach auf diese Nachricht oder rufen Sie uns unter [LocationPhone] an.`),
    },
    sms: {
      en: sms('[LocationName]: reminder of your appointment tomorrow, [Date] at [Time] ([Plate]). Check in online: [CheckinLink] Questions? Call [LocationPhone].'),
      nl: sms('[LocationName]: herinnering aan uw afspraak morgen, [Date] om [Time] ([Plate]). Online inchecken: [CheckinLink] Vragen? Bel [LocationPhone].'),
      fr: sms('[LocationName] : rappel de votre rendez-vous demain, le [Date] à [Time] ([Plate]). Check-in en ligne : [CheckinLink] Une question ? Appelez le [LocationPhone].'),
      de: sms('[LocationName]: Erinnerung an Ihren Termin morgen, [Date] um [Time] Uhr ([Plate]). Online-Check-in: [CheckinLink] Fragen? Rufen Sie [LocationPhone] an.'),
    },
    email: {
      en: {
        subject: 'Reminder: your appointment tomorrow at [LocationName]',
        body: `Dear [CustomerName],

This is a reminder of your appointment tomorrow:

Date: [Date]
Time: [Time]
Where: [LocationName]
Vehicle: [Plate]

Not checked in online yet? You can still do so, or look at your check-in, here:
[CheckinLink]

Questions, or can you not make it after all? Call us on [LocationPhone].

See you tomorrow,
[LocationName]`,
      },
      nl: {
        subject: 'Herinnering: uw afspraak morgen bij [LocationName]',
        body: `Beste [CustomerName],

Graag herinneren we u aan uw afspraak van morgen:

Datum: [Date]
Uur: [Time]
Waar: [LocationName]
Voertuig: [Plate]

Nog niet online ingecheckt? Dat kan nog, en u kunt er ook uw check-in bekijken:
[CheckinLink]

Vragen, of past het toch niet? Bel ons op [LocationPhone].

Tot morgen,
[LocationName]`,
      },
      fr: {
        subject: 'Rappel : votre rendez-vous de demain chez [LocationName]',
        body: `Bonjour [CustomerName],

Nous vous rappelons votre rendez-vous de demain :

Date : [Date]
Heure : [Time]
Lieu : [LocationName]
Véhicule : [Plate]

Vous n'avez pas encore fait votre check-in en ligne ? Il est encore temps ; ce lien vous permet aussi de le consulter :
[CheckinLink]

Une question, ou un empêchement ? Appelez-nous au [LocationPhone].

À demain,
[LocationName]`,
      },
      de: {
        subject: 'Erinnerung: Ihr Termin morgen bei [LocationName]',
        body: `Guten Tag [CustomerName],

wir erinnern Sie an Ihren Termin morgen:

Datum: [Date]
Uhrzeit: [Time]
Ort: [LocationName]
Fahrzeug: [Plate]

Noch nicht online eingecheckt? Über diesen Link holen Sie es nach oder sehen Ihren Check-in an:
[CheckinLink]

Fragen, oder passt es doch nicht? Rufen Sie uns unter [LocationPhone] an.

Bis morgen
[LocationName]`,
      },
    },
  },
};

/** P7: the built-in invitations (book your repair, follow your repair, book an estimate), each with a name. */
const invitationTexts = {
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

/** W4: what staff send from a customer's conversation when free text is not allowed: it opens a new window once answered. */
const conversationTexts = {
  conversation_followup: {
    whatsapp: {
      en: whatsapp('Hello [CustomerName], this is [LocationName] about your vehicle [Plate] and your appointment of [Date]. Could you reply to this message? Thank you.'),
      nl: whatsapp('Beste [CustomerName], hier [LocationName] over uw voertuig [Plate] en uw afspraak van [Date]. Wilt u op dit bericht antwoorden? Dank u.'),
      fr: whatsapp('Bonjour [CustomerName], ici [LocationName] au sujet de votre véhicule [Plate] et de votre rendez-vous du [Date]. Pourriez-vous répondre à ce message ? Merci.'),
      de: whatsapp('Guten Tag [CustomerName], hier ist [LocationName] zu Ihrem Fahrzeug [Plate] und Ihrem Termin am [Date]. Könnten Sie bitte auf diese Nachricht antworten? Vielen Dank.'),
    },
    sms: {
      en: sms('Hello [CustomerName], this is [LocationName] about your vehicle [Plate] (appointment of [Date]). Please reply to this SMS.'),
      nl: sms('Beste [CustomerName], hier [LocationName] over uw voertuig [Plate] (afspraak van [Date]). Antwoord gerust op deze sms.'),
      fr: sms('Bonjour [CustomerName], ici [LocationName] au sujet de votre véhicule [Plate] (rendez-vous du [Date]). Merci de répondre à ce SMS.'),
      de: sms('Guten Tag [CustomerName], hier ist [LocationName] zu Ihrem Fahrzeug [Plate] (Termin am [Date]). Bitte antworten Sie auf diese SMS.'),
    },
  },
};

/** Every built-in text but the invitations: purpose → channel → language. */
export const builtInTexts: Record<string, Partial<Record<Channel, Record<Language, BuiltInText>>>> = { ...bookingLinkTexts, ...messageTexts, ...conversationTexts };

/** The built-in invitations: kind → language → { name, subject, body }. */
export const builtInInvitationTexts: Record<string, Record<Language, BuiltInText & { name: string }>> = invitationTexts;
