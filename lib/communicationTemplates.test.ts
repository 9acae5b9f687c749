import { describe, expect, it } from 'vitest';
import {
  builtInKinds,
  builtInTemplates,
  defaultInvitationRef,
  expandTags,
  linkify,
  parseTemplateRef,
  portalLinks,
  tagValues,
  templateTags,
  unknownTags,
  type InvitationFacts,
} from './communicationTemplates';
import { languages } from './i18n';

const facts: InvitationFacts = {
  publicUrl: 'https://shop.example/',
  language: 'nl',
  customerName: 'Karel Janssens',
  jobNumber: '1042',
  plate: '1-ABC-234',
  location: { slug: 'ghent', name: 'Carrosserie Gent', phone: '+32 9 123 45 67' },
};

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
    const tricky = { ...facts, customerName: '[Plate] $& $1' };
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

describe('built-in templates (P7)', () => {
  it('ship every kind in every language, using only known tags and the matching link', () => {
    const linkOf = { 'book-repair': '[URLBookRepair]', 'follow-repair': '[URLStatusRepair]', 'book-estimate': '[URLBookAssessment]' };
    for (const kind of builtInKinds) {
      for (const language of languages) {
        const template = builtInTemplates.find((t) => t.kind === kind && t.language === language);
        expect(template, `${kind} ${language}`).toBeDefined();
        expect(template!.body).toContain(linkOf[kind]);
        // plate + job number together open the portal pages; the invitation gives only the number
        expect(`${template!.subject}${template!.body}`).not.toContain('[Plate]');
        expect(unknownTags(`${template!.subject}\n${template!.body}`), `${kind} ${language}`).toEqual([]);
      }
    }
    expect(new Set(builtInTemplates.map((t) => t.ref)).size).toBe(builtInKinds.length * languages.length);
    expect(templateTags).toContain('URLBookAssessment');
  });

  it('defaults to "book your repair" in the customer language, English for anything else', () => {
    expect(defaultInvitationRef('nl')).toBe('builtin:book-repair:nl');
    expect(defaultInvitationRef('es')).toBe('builtin:book-repair:en');
    expect(builtInTemplates.find((t) => t.ref === defaultInvitationRef('en'))!.name).toBe('Invitation: book your repair');
  });

  it('parses template references', () => {
    expect(parseTemplateRef('builtin:follow-repair:de')).toMatchObject({ builtIn: { kind: 'follow-repair', language: 'de' } });
    expect(parseTemplateRef('own:12')).toEqual({ ownId: 12 });
    for (const bad of ['own:0', 'own:-1', 'own:1e3', 'own:12345678901', 'builtin:nope:en', 'builtin:book-repair:es', '']) {
      expect(parseTemplateRef(bad), bad).toBeUndefined();
    }
  });
});
