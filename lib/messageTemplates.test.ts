import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { languages } from './i18n';
import { smsParts } from './messaging/smsParts';
import {
  builtInMessageTemplate,
  messageChannels,
  messagePurposes,
  purposeChannels,
  purposeTags,
  renderMessage,
  tagProblems,
  whatsappTagProblems,
  whatsappTemplate,
  whatsappTemplateBody,
  whatsappTemplates,
  type MessageValues,
} from './messageTemplates';

const every = messagePurposes.flatMap((purpose) =>
  purposeChannels[purpose].flatMap((channel) => languages.map((language) => ({ purpose, channel, language }))),
);

/** What a real message is sent with: a long-ish location, a written-out date in the customer's language, a real cancel link. */
function typicalValues(language: string): MessageValues {
  const day = DateTime.fromISO('2026-09-30T08:30', { zone: 'Europe/Brussels' }).setLocale(language); // a Wednesday in September: long names
  return {
    CustomerName: 'Marie-Louise Vandenberghe',
    Date: day.toLocaleString(DateTime.DATE_HUGE),
    Time: day.toLocaleString(DateTime.TIME_SIMPLE),
    TimeWindow: 'afternoon',
    Location: 'Garage Peeters Sint-Niklaas',
    LocationPhone: '+32 3 776 12 34',
    Plate: '1-ABC-234',
    Services: 'Maintenance, Tyre change',
    CancelLink: `https://garage-peeters.be/l/${'x'.repeat(43)}?lang=${language}`,
    CheckinLink: `https://werkplaats.garage-peeters.be/c/${'x'.repeat(43)}`,
  };
}

describe('built-in message texts', () => {
  it('exist for every purpose, channel and language: e-mail with a subject, SMS and WhatsApp without', () => {
    expect(every).toHaveLength((3 * 2 + 2 + 3) * 4);
    for (const { purpose, channel, language } of every) {
      const text = builtInMessageTemplate(purpose, channel, language);
      expect(text.body.trim(), `${purpose}/${channel}/${language}`).not.toBe('');
      if (channel === 'email') expect(text.subject.trim(), `${purpose}/${channel}/${language}`).not.toBe('');
      else expect(text.subject).toBe('');
    }
  });

  it('are written in each language, not copied from English', () => {
    for (const { purpose, channel, language } of every.filter((key) => key.language !== 'en')) {
      const english = builtInMessageTemplate(purpose, channel, 'en');
      const own = builtInMessageTemplate(purpose, channel, language);
      expect(own.body, `${purpose}/${channel}/${language}`).not.toBe(english.body);
      if (channel === 'email') expect(own.subject).not.toBe(english.subject);
    }
  });

  it('use only the tags their message is sent with, and greet by name where there is room', () => {
    for (const { purpose, channel, language } of every) {
      expect(tagProblems(builtInMessageTemplate(purpose, channel, language), purpose), `${purpose}/${channel}/${language}`).toEqual({
        unknown: [],
        unavailable: [],
      });
      if (channel === 'email') expect(builtInMessageTemplate(purpose, channel, language).body).toContain('[CustomerName]');
    }
  });

  it('acknowledge a request as received and not yet confirmed, with the cancel link, in every language and channel', () => {
    const notConfirmed = { en: 'not confirmed yet', nl: 'nog niet bevestigd', fr: 'pas encore confirmé', de: 'noch nicht bestätigt' };
    for (const channel of purposeChannels.lead_acknowledgement) {
      for (const language of languages) {
        const { body } = builtInMessageTemplate('lead_acknowledgement', channel, language);
        expect(body).toContain('[CancelLink]');
        expect(body).toContain(notConfirmed[language]);
      }
    }
  });

  it('keep every SMS within 320 characters, in the GSM alphabet, with typical values', () => {
    for (const { purpose, language } of every.filter((key) => key.channel === 'sms')) {
      const { subject, text } = renderMessage(builtInMessageTemplate(purpose, 'sms', language), typicalValues(language));
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
    expect(messageChannels).toEqual(['email', 'sms', 'whatsapp']);
  });

  it('carry the check-in link, the date, the time and the plate in every channel and language', () => {
    for (const { purpose, channel, language } of every.filter((key) => key.purpose.startsWith('checkin_'))) {
      const { body } = builtInMessageTemplate(purpose, channel, language);
      for (const tag of ['[CheckinLink]', '[Date]', '[Time]', '[Plate]', '[Location]']) expect(body, `${purpose}/${channel}/${language}`).toContain(tag);
    }
  });

  it('the reminder says it is about tomorrow, in each language', () => {
    const tomorrow = { en: 'tomorrow', nl: 'morgen', fr: 'demain', de: 'morgen' };
    for (const channel of purposeChannels.checkin_reminder) {
      for (const language of languages) expect(builtInMessageTemplate('checkin_reminder', channel, language).body).toContain(tomorrow[language]);
    }
  });

  it('a message sent only by other channels has no built-in text for a channel it does not use', () => {
    expect(() => builtInMessageTemplate('lead_rejection', 'whatsapp', 'nl')).toThrow(/not sent by whatsapp/);
    expect(() => builtInMessageTemplate('checkin_link', 'whatsapp', 'nl')).toThrow(/not sent by whatsapp/);
  });
});

describe('WhatsApp templates', () => {
  it('exist exactly for the messages sent by WhatsApp, and their parameters are tags the message is sent with', () => {
    for (const purpose of messagePurposes) {
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
      const { body } = builtInMessageTemplate(purpose, 'whatsapp', language);
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
    const template = whatsappTemplate('checkin_reminder', 'pl', { CustomerName: ' Jan\n  Peeters\t', Location: '', Plate: 'AB      12' });
    expect(template.language).toBe('en');
    expect(template.parameters.slice(0, 2)).toEqual(['Jan Peeters', '-']);
    expect(template.parameters[4]).toBe('AB 12');
    expect(template.parameters.every((parameter) => parameter !== '' && !/[\n\t]| {5}/.test(parameter))).toBe(true);
    expect(() => whatsappTemplate('lead_rejection', 'nl', {})).toThrow(/no template/);
  });

  it('names what an admin\'s WhatsApp text lacks or has too much', () => {
    expect(whatsappTagProblems('checkin_reminder', 'Hallo [CustomerName] [Klant] [CancelLink], morgen [Date] [Time] [Location] [Plate] [LocationPhone]')).toEqual({
      missing: ['CheckinLink'],
      extra: ['Klant', 'CancelLink'],
    });
  });
});

describe('renderMessage', () => {
  it('expands every tag in subject and body', () => {
    const values = typicalValues('nl');
    const { subject, text } = renderMessage(
      { subject: 'Afspraak [Date] om [Time]', body: '[CustomerName] [TimeWindow] [Location] [LocationPhone] [Plate] [CancelLink] [Services]' },
      values,
    );
    expect(subject).toBe(`Afspraak ${values.Date} om ${values.Time}`);
    expect(text).toBe(
      [values.CustomerName, values.TimeWindow, values.Location, values.LocationPhone, values.Plate, values.CancelLink, values.Services].join(' '),
    );
  });

  it('leaves an unknown tag as typed and a known one without a value empty', () => {
    expect(renderMessage({ subject: '', body: 'Hallo [CustomerName], [Onbekend] om [Time].' }, { CustomerName: 'Jan' }).text).toBe(
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
