import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { languages } from './i18n';
import { smsParts } from './messaging/smsParts';
import {
  builtInInvitations,
  builtInKinds,
  builtInText,
  defaultInvitationRef,
  expandTags,
  linkify,
  parseInvitationRef,
  portalLinks,
  purposeChannels,
  purposeTags,
  renderTemplate,
  singleTextPurposes,
  tagProblems,
  templateChannels,
  templatePurposes,
  templateTags,
  templateValues,
  unknownTags,
  whatsappTagProblems,
  whatsappTemplate,
  whatsappTemplateBody,
  whatsappTemplates,
  type TemplateFacts,
  type TemplateValues,
} from './templates';

const every = singleTextPurposes.flatMap((purpose) =>
  purposeChannels[purpose].flatMap((channel) => languages.map((language) => ({ purpose, channel, language }))),
);

/** What a real message is sent with: a long-ish location, a written-out date in the customer's language, a real cancel link. */
function typicalValues(language: string): TemplateValues {
  const day = DateTime.fromISO('2026-09-30T08:30', { zone: 'Europe/Brussels' }).setLocale(language); // a Wednesday in September: long names
  return {
    CustomerName: 'Marie-Louise Vandenberghe',
    Date: day.toLocaleString(DateTime.DATE_HUGE),
    Time: day.toLocaleString(DateTime.TIME_SIMPLE),
    TimeWindow: 'afternoon',
    LocationName: 'Garage Peeters Sint-Niklaas',
    LocationPhone: '+32 3 776 12 34',
    Plate: '1-ABC-234',
    Services: 'Maintenance, Tyre change',
    CancelLink: `https://garage-peeters.be/l/${'x'.repeat(43)}?lang=${language}`,
    CheckinLink: `https://werkplaats.garage-peeters.be/c/${'x'.repeat(43)}`,
  };
}

describe('built-in message texts', () => {
  it('exist for every purpose, channel and language: e-mail with a subject, SMS and WhatsApp without', () => {
    expect(every).toHaveLength((2 * 1 + 3 * 2 + 2 + 3 + 2) * 4); // booking links; lead and confirmation messages; check-in link; reminder; conversation follow-up
    for (const { purpose, channel, language } of every) {
      const text = builtInText(purpose, channel, language);
      expect(text.body.trim(), `${purpose}/${channel}/${language}`).not.toBe('');
      if (channel === 'email') expect(text.subject.trim(), `${purpose}/${channel}/${language}`).not.toBe('');
      else expect(text.subject).toBe('');
    }
  });

  it('are written in each language, not copied from English', () => {
    for (const { purpose, channel, language } of every.filter((key) => key.language !== 'en')) {
      const english = builtInText(purpose, channel, 'en');
      const own = builtInText(purpose, channel, language);
      expect(own.body, `${purpose}/${channel}/${language}`).not.toBe(english.body);
      if (channel === 'email') expect(own.subject).not.toBe(english.subject);
    }
  });

  it('use only the tags their message is sent with, and greet by name where there is room', () => {
    for (const { purpose, channel, language } of every) {
      expect(tagProblems(builtInText(purpose, channel, language), purpose), `${purpose}/${channel}/${language}`).toEqual({
        unknown: [],
        unavailable: [],
      });
      if (channel === 'email') expect(builtInText(purpose, channel, language).body).toContain('[CustomerName]');
    }
  });

  it('acknowledge a request as received and not yet confirmed, with the cancel link, in every language and channel', () => {
    const notConfirmed = { en: 'not confirmed yet', nl: 'nog niet bevestigd', fr: 'pas encore confirmé', de: 'noch nicht bestätigt' };
    for (const channel of purposeChannels.lead_acknowledgement) {
      for (const language of languages) {
        const { body } = builtInText('lead_acknowledgement', channel, language);
        expect(body).toContain('[CancelLink]');
        expect(body).toContain(notConfirmed[language]);
      }
    }
  });

  it('keep every SMS within 320 characters, in the GSM alphabet, with typical values', () => {
    for (const { purpose, language } of every.filter((key) => key.channel === 'sms')) {
      const { subject, text } = renderTemplate(builtInText(purpose, 'sms', language), typicalValues(language));
      expect(subject).toBe('');
      expect(text.length, `${purpose}/${language}: ${text}`).toBeLessThanOrEqual(320);
      // In the GSM alphabet: 153 characters per part (one ç or ê would make it 67).
      expect(smsParts(text).unicode, `${purpose}/${language}: ${text}`).toBe(false);
      expect(text).not.toMatch(/\[[A-Za-z]+\]/);
    }
  });
});

describe('check-in messages (C1, W1)', () => {
  it('send the check-in link by e-mail or SMS, and the reminder by WhatsApp, SMS or e-mail', () => {
    expect(purposeChannels.checkin_link).toEqual(['email', 'sms']);
    expect(purposeChannels.checkin_reminder).toEqual(['whatsapp', 'sms', 'email']);
    expect(templateChannels).toEqual(['email', 'sms', 'whatsapp']);
  });

  it('carry the check-in link, the date, the time and the plate in every channel and language', () => {
    for (const { purpose, channel, language } of every.filter((key) => key.purpose.startsWith('checkin_'))) {
      const { body } = builtInText(purpose, channel, language);
      for (const tag of ['[CheckinLink]', '[Date]', '[Time]', '[Plate]', '[LocationName]']) expect(body, `${purpose}/${channel}/${language}`).toContain(tag);
    }
  });

  it('the reminder says it is about tomorrow, in each language', () => {
    const tomorrow = { en: 'tomorrow', nl: 'morgen', fr: 'demain', de: 'morgen' };
    for (const channel of purposeChannels.checkin_reminder) {
      for (const language of languages) expect(builtInText('checkin_reminder', channel, language).body).toContain(tomorrow[language]);
    }
  });

  it('a message sent only by other channels has no built-in text for a channel it does not use', () => {
    expect(() => builtInText('lead_rejection', 'whatsapp', 'nl')).toThrow(/not sent by whatsapp/);
    expect(() => builtInText('checkin_link', 'whatsapp', 'nl')).toThrow(/not sent by whatsapp/);
  });
});

describe('WhatsApp templates', () => {
  it('exist exactly for the messages sent by WhatsApp, and their parameters are tags the message is sent with', () => {
    for (const purpose of templatePurposes) {
      const definition = whatsappTemplates[purpose];
      expect(!!definition, purpose).toBe(purposeChannels[purpose].includes('whatsapp'));
      if (definition) {
        expect(definition.name).toMatch(/^[a-z0-9_]+$/);
        expect(new Set(definition.parameters).size).toBe(definition.parameters.length);
        for (const tag of definition.parameters) expect(purposeTags[purpose]).toContain(tag);
      }
    }
  });

  it('the built-in WhatsApp texts use every parameter and nothing else, and neither start nor end with one (Meta refuses that)', () => {
    for (const { purpose, language } of every.filter((key) => key.channel === 'whatsapp')) {
      const { body } = builtInText(purpose, 'whatsapp', language);
      expect(whatsappTagProblems(purpose, body), `${purpose}/${language}`).toEqual({ missing: [], extra: [] });
      const registered = whatsappTemplateBody(purpose, body);
      expect(registered).not.toMatch(/\[[A-Za-z]+\]/);
      expect(registered.trim()).not.toMatch(/^\{\{|\}\}$/);
      expect(registered.length).toBeLessThanOrEqual(1024);
    }
  });

  it('fills the parameters in the template\'s order, whatever the order in the text', () => {
    const values = typicalValues('fr');
    const template = whatsappTemplate('checkin_reminder', 'fr', values);
    expect(template).toEqual({
      name: 'checkin_reminder',
      language: 'fr',
      parameters: whatsappTemplates.checkin_reminder!.parameters.map((tag) => values[tag]),
    });
    expect(template.parameters[0]).toBe('Marie-Louise Vandenberghe');
    expect(whatsappTemplateBody('checkin_reminder', 'Dag [Plate], [CustomerName]! [Onbekend]')).toBe('Dag {{5}}, {{1}}! [Onbekend]');
  });

  it('never sends a parameter WhatsApp refuses: empty becomes "-", line breaks and runs of spaces fold; an unknown language reads English', () => {
    const template = whatsappTemplate('checkin_reminder', 'pl', { CustomerName: ' Jan\n  Peeters\t', LocationName: '', Plate: 'AB      12' });
    expect(template.language).toBe('en');
    expect(template.parameters.slice(0, 2)).toEqual(['Jan Peeters', '-']);
    expect(template.parameters[4]).toBe('AB 12');
    expect(template.parameters.every((parameter) => parameter !== '' && !/[\n\t]| {5}/.test(parameter))).toBe(true);
    expect(() => whatsappTemplate('lead_rejection', 'nl', {})).toThrow(/no template/);
  });

  it('names what an admin\'s WhatsApp text lacks or has too much', () => {
    expect(whatsappTagProblems('checkin_reminder', 'Hallo [CustomerName] [Klant] [CancelLink], morgen [Date] [Time] [LocationName] [Plate] [LocationPhone]')).toEqual({
      missing: ['CheckinLink'],
      extra: ['Klant', 'CancelLink'],
    });
  });
});

describe('renderTemplate (one tag set)', () => {
  it('expands every tag in subject and body', () => {
    const values = typicalValues('nl');
    const { subject, text } = renderTemplate(
      { subject: 'Afspraak [Date] om [Time]', body: '[CustomerName] [TimeWindow] [LocationName] [LocationPhone] [Plate] [CancelLink] [Services]' },
      values,
    );
    expect(subject).toBe(`Afspraak ${values.Date} om ${values.Time}`);
    expect(text).toBe(
      [values.CustomerName, values.TimeWindow, values.LocationName, values.LocationPhone, values.Plate, values.CancelLink, values.Services].join(' '),
    );
  });

  it('leaves an unknown tag as typed and a known one without a value empty', () => {
    expect(renderTemplate({ subject: '', body: 'Hallo [CustomerName], [Onbekend] om [Time].' }, { CustomerName: 'Jan' }).text).toBe(
      'Hallo Jan, [Onbekend] om .',
    );
  });

  it('names the problems an admin should see in the preview', () => {
    expect(tagProblems({ subject: '[Date]', body: '[Klant] [Time] [CancelLink] [Klant]' }, 'lead_rejection')).toEqual({
      unknown: ['Klant'],
      unavailable: ['Time', 'CancelLink'],
    });
    expect(purposeTags.lead_acknowledgement).toContain('CancelLink');
  });
});

// ---------------------------------------------------------------------------
// Invitations (P7) and the tag values

const facts: TemplateFacts = {
  publicUrl: 'https://shop.example/',
  language: 'nl',
  customer: { firstName: 'Karel', lastName: 'Janssens' },
  jobNumber: '1042',
  plate: '1-ABC-234',
  location: { slug: 'ghent', name: 'Carrosserie Gent', phone: '+32 9 123 45 67' },
};
const tagValues = templateValues;

describe('communication template tags (P7)', () => {
  it('expands the portal links of the location, with the job number and without the plate', () => {
    const text = expandTags('[URLBookAssessment]\n[URLBookRepair]\n[URLStatusRepair]', tagValues(facts));
    expect(text.split('\n')).toEqual([
      'https://shop.example/p/ghent/estimate?lang=nl',
      'https://shop.example/p/ghent/lookup/repair?job=1042&lang=nl',
      'https://shop.example/p/ghent/lookup/status?job=1042&lang=nl',
    ]);
    expect(text).not.toMatch(/ABC|234/);
  });

  it('expands the customer, job and location tags', () => {
    expect(expandTags('Dear [CustomerName], job [JobNumber] ([Plate]) at [LocationName], [LocationPhone].', tagValues(facts))).toBe(
      'Dear Karel Janssens, job 1042 (1-ABC-234) at Carrosserie Gent, +32 9 123 45 67.',
    );
  });

  it('leaves unknown tags, other brackets and a tag in the wrong case as typed', () => {
    const text = 'Hi [FirstName], see [URLBookRepair] [urlbookrepair] [a b] [] [toString] [constructor]';
    expect(expandTags(text, tagValues(facts))).toBe(
      'Hi [FirstName], see https://shop.example/p/ghent/lookup/repair?job=1042&lang=nl [urlbookrepair] [a b] [] [toString] [constructor]',
    );
    expect(unknownTags(text)).toEqual(['FirstName', 'urlbookrepair', 'toString', 'constructor']);
  });

  it('inserts values literally: a value that looks like a tag or a replacement pattern is not expanded again', () => {
    const tricky = { ...facts, customer: { firstName: '[Plate]', lastName: '$& $1' } };
    expect(expandTags('[CustomerName]', tagValues(tricky))).toBe('[Plate] $& $1');
  });

  it('encodes the slug and job number in links', () => {
    const links = portalLinks('http://localhost:3000', 'a b', '10&2', 'fr');
    expect(links.bookRepair).toBe('http://localhost:3000/p/a%20b/lookup/repair?job=10%262&lang=fr');
  });

  it('cuts a text into plain runs and links, leaving trailing punctuation out of the link', () => {
    expect(linkify('Go to https://x.test/p/a?job=1&lang=en. Thanks')).toEqual([
      { text: 'Go to ' },
      { text: 'https://x.test/p/a?job=1&lang=en', url: 'https://x.test/p/a?job=1&lang=en' },
      { text: '. Thanks' },
    ]);
  });
});

describe('built-in invitations (P7)', () => {
  it('ship every kind in every language, using only known tags and the matching link', () => {
    const linkOf = { 'book-repair': '[URLBookRepair]', 'follow-repair': '[URLStatusRepair]', 'book-estimate': '[URLBookAssessment]' };
    for (const kind of builtInKinds) {
      for (const language of languages) {
        const template = builtInInvitations.find((t) => t.kind === kind && t.language === language);
        expect(template, `${kind} ${language}`).toBeDefined();
        expect(template!.body).toContain(linkOf[kind]);
        // plate + job number together open the portal pages; the invitation gives only the number
        expect(`${template!.subject}${template!.body}`).not.toContain('[Plate]');
        expect(unknownTags(`${template!.subject}\n${template!.body}`), `${kind} ${language}`).toEqual([]);
      }
    }
    expect(new Set(builtInInvitations.map((t) => t.ref)).size).toBe(builtInKinds.length * languages.length);
    expect(templateTags).toContain('URLBookAssessment');
  });

  it('defaults to "book your repair" in the customer language, English for anything else', () => {
    expect(defaultInvitationRef('nl')).toBe('builtin:book-repair:nl');
    expect(defaultInvitationRef('es')).toBe('builtin:book-repair:en');
    expect(builtInInvitations.find((t) => t.ref === defaultInvitationRef('en'))!.name).toBe('Invitation: book your repair');
  });

  it('parses template references', () => {
    expect(parseInvitationRef('builtin:follow-repair:de')).toMatchObject({ builtIn: { kind: 'follow-repair', language: 'de' } });
    expect(parseInvitationRef('own:12')).toEqual({ ownId: 12 });
    for (const bad of ['own:0', 'own:-1', 'own:1e3', 'own:12345678901', 'builtin:nope:en', 'builtin:book-repair:es', '']) {
      expect(parseInvitationRef(bad), bad).toBeUndefined();
    }
  });
});

describe('templateValues: the one place tag values are built', () => {
  it('writes the appointment date and time in the customer language and the location time zone, a lead day without time', () => {
    const values = templateValues({
      language: 'fr',
      location: { name: 'Garage', phone: '1', timeZone: 'Europe/Brussels' },
      startsAt: new Date('2026-10-08T07:00:00Z'),
    });
    expect([values.Date, values.Time]).toEqual(['jeudi 8 octobre 2026', '09:00']);
    expect(templateValues({ language: 'nl', desiredDate: '2026-10-08' })).toEqual({ Date: 'donderdag 8 oktober 2026' });
  });

  it('gives only the tags it has facts for, and the links as given', () => {
    expect(templateValues({ language: 'en', confirmLink: 'https://x.test/b/t', linkMinutes: 15, services: ['Oil', 'Tyres'] })).toEqual({
      ConfirmLink: 'https://x.test/b/t',
      LinkMinutes: '15',
      Services: 'Oil, Tyres',
    });
  });
});
