import { hashUserData } from './hash-user-data';
import type { RawUserData } from './identifier-profile';
import { normaliseEmailGoogle, normaliseEmailMeta, normaliseNameGoogle, normaliseNameMeta, toE164 } from '@attribution/core';

/*
 * Property: whatever realistic identifiers come in, the output holds only SHA-256 hex for
 * them, never the raw value nor its normalised (pre-hash) form. fast-check is not installed,
 * so a seeded PRNG drives the inputs and any failure reproduces.
 */

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(20260602);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
const randomCase = (s: string): string => [...s].map((c) => (random() < 0.5 ? c.toUpperCase() : c)).join('');

const FIRST = ['Jane', 'José', "D'Arcy", 'Zoë', 'Mary-Ann', 'Łukasz', 'Søren', 'Nguyễn', 'Ólafur', 'Jean Luc', 'Kenji'];
const LAST = ["O'Brien", 'Müller', 'García Márquez', 'Smith-Jones', 'Kowalski', 'Ørsted', 'van der Berg', 'Nakamura'];
const DOMAINS = ['gmail.com', 'GoogleMail.com', 'example.co.uk', 'mail.example.org', 'yahoo.fr'];
const CITIES = ['São Paulo', 'New York', 'München', 'St. Louis', 'Zürich', 'Kraków'];
const STATES = ['California', 'NY', 'Québec', 'Bayern', 'Île-de-France'];
const ZIPS = ['94103-1234', 'M1 1AE', '10115', '01310-100', 'H2X 1Y4'];
const COUNTRIES = ['United States', 'US', 'gb', 'Germany', 'France', 'Brasil', 'Canada'];

// NANP exchanges start with 2-9.
const exchange = (): string => `${2 + Math.floor(random() * 8)}${digits(2)}`;

function phone(): [raw: string, country: string] {
  const format = pick([
    (): [string, string] => [`(${pick(['212', '415', '617'])}) ${exchange()}-${digits(4)}`, 'US'],
    (): [string, string] => [`+1 ${pick(['303', '206'])} ${exchange()} ${digits(4)}`, 'DE'],
    (): [string, string] => [`030 ${digits(7)}`, 'DE'],
    (): [string, string] => [`07${pick(['4', '5', '7', '9'])}${digits(2)} ${digits(6)}`, 'GB'],
    (): [string, string] => [`0044 20 ${digits(4)} ${digits(4)}`, 'US'],
    (): [string, string] => [`06 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`, 'FR'],
  ]);
  return format();
}

function record(): { input: RawUserData; defaultCountry: string } {
  const first = pick(FIRST);
  const last = pick(LAST);
  const [rawPhone, defaultCountry] = phone();
  const local = pick([`${first}.${last}`, `${first}${digits(2)}`, `${last}+promo`]).replace(/[\s']/g, '');
  return {
    input: {
      email: [` ${randomCase(`${local}@${pick(DOMAINS)}`)} `, `${digits(3)}.${local}@example.com`],
      phone: rawPhone,
      first_name: randomCase(first),
      last_name: last,
      city: pick(CITIES),
      state: pick(STATES),
      zip: pick(ZIPS),
      country: pick(COUNTRIES),
      external_id: pick([`cust_${digits(8)}`, `${digits(4)}-${digits(4)}-AB`, `User-${digits(3)}`]),
    },
    defaultCountry,
  };
}

function leaves(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, Array.isArray(value) ? path : `${path}.${k}`));
}

// Google wants these in plain text (GA4 four, the Data Manager API two); they are checked not to carry any other identifier.
const GOOGLE_PLAIN = new Set([
  ...['city', 'region', 'postal_code', 'country'].map((k) => `.google.address.${k}`),
  ...['region_code', 'postal_code'].map((k) => `.google_ads.address.${k}`),
]);

describe('hashUserData never emits raw identifiers', () => {
  it('holds for 500 varied realistic records', () => {
    let phonesKept = 0;
    for (let i = 0; i < 500; i += 1) {
      const { input, defaultCountry } = record();
      const output = hashUserData(input, { defaultCountry });
      const emails = [input.email ?? []].flat();
      const phoneRaw = String(input.phone);
      const e164 = toE164(phoneRaw, defaultCountry);
      const identifiers = [
        ...emails,
        ...emails.flatMap((e) => [normaliseEmailMeta(e), normaliseEmailGoogle(e)]),
        phoneRaw,
        e164,
        e164?.slice(1),
        input.first_name,
        input.last_name,
        normaliseNameMeta(input.first_name ?? ''),
        normaliseNameGoogle(input.last_name ?? ''),
        String(input.external_id),
      ].filter((s): s is string => typeof s === 'string' && s.trim() !== '');

      for (const [path, value] of leaves(output)) {
        if (GOOGLE_PLAIN.has(path)) {
          for (const id of identifiers) expect(value.toLowerCase()).not.toContain(id.trim().toLowerCase());
        } else {
          expect(value).toMatch(/^[0-9a-f]{64}$/);
        }
      }
      if (output.meta.ph !== undefined) phonesKept += 1;
    }
    // Guards against a vacuous pass where everything is dropped.
    expect(phonesKept).toBeGreaterThan(400);
  });
});
