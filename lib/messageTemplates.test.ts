import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { languages } from './i18n';
import { smsParts } from './messaging/smsParts';
import { builtInMessageTemplate, messageChannels, messagePurposes, purposeTags, renderMessage, tagProblems, type MessageValues } from './messageTemplates';

const every = messagePurposes.flatMap((purpose) =>
  messageChannels.flatMap((channel) => languages.map((language) => ({ purpose, channel, language }))),
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
  };
}

describe('built-in message texts', () => {
  it('exist for every purpose, channel and language: e-mail with a subject, SMS without', () => {
    expect(every).toHaveLength(3 * 2 * 4);
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
    for (const channel of messageChannels) {
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
