import { erasureDocuments, hashUserData } from '../identifiers/hash-user-data';
import { tiktokIdentifiers } from './tiktok.identifiers';

// Computed independently: printf '%s' '<normalised>' | sha256sum
const H = {
  'jane@example.com': '8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d',
  '+14155552671': 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928',
  '14155552671': '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0',
  'User-42': 'fafe5e551759817bdc65038b8cb1a8263b1a8b3b60c269d67ff0f8c57ae0f733',
};

describe('tiktokIdentifiers', () => {
  it('hashes email trimmed and lower-cased, phone in E.164 with "+", external_id as given', () => {
    expect(tiktokIdentifiers.hash({ email: ' Jane@Example.com ', phone: '(415) 555-2671', external_id: ' User-42 ', first_name: 'Jane', city: 'Paris' }, { defaultCountry: 'US' })).toEqual({
      email: [H['jane@example.com']],
      phone: [H['+14155552671']],
      external_id: [H['User-42']],
    });
  });

  it('differs from Meta on the phone only (Meta hashes the digits without "+")', () => {
    const both = hashUserData({ email: 'jane@example.com', phone: '+1 415 555 2671' }) as unknown as Record<string, Record<string, string[]>>;
    expect(both['tiktok']!['phone']).toEqual([H['+14155552671']]);
    expect(both['meta']!['ph']).toEqual([H['14155552671']]);
    expect(both['tiktok']!['email']).toEqual(both['meta']!['em']);
  });

  it('drops what does not normalise and deduplicates, so nothing raw is stored', () => {
    expect(tiktokIdentifiers.hash({ email: ['jane@example.com', 'JANE@example.com', 'nope'], phone: '555-2671' }, {})).toEqual({ email: [H['jane@example.com']] });
    expect(tiktokIdentifiers.hash({}, {})).toEqual({});
  });

  it('takes a value a site sent pre-hashed as it is', () => {
    expect(tiktokIdentifiers.hash({ email: H['jane@example.com'].toUpperCase() }, {})).toEqual({ email: [H['jane@example.com']] });
  });

  it('can be searched for erasure by email, phone and external_id', () => {
    expect(tiktokIdentifiers.erasure).toEqual({ email: 'email', phone: 'phone', external_id: 'external_id' });
    expect(erasureDocuments('phone', '+14155552671', {})).toContainEqual({ tiktok: { phone: [H['+14155552671']] } });
    expect(erasureDocuments('external_id', 'User-42', {})).toContainEqual({ tiktok: { external_id: [H['User-42']] } });
  });
});
