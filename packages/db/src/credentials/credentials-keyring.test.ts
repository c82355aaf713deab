import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { CredentialsDecryptionError, CredentialsKeyError, credentialsKeyId, encryptCredentials, sealedCredentialsKeyId } from './credentials';
import { CredentialsKeyring } from './credentials-keyring';
import { openDestinationCredentials, openSealedDestinationCredentials, sealDestinationCredentials } from './destination-credentials';
import { sealV1 } from './legacy-v1.fixture';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const secret = { access_token: 'EAAB-secret-token' };
const TENANT = '6f1c2a4e-0000-4000-8000-000000000001';

describe('CredentialsKeyring', () => {
  const during = new CredentialsKeyring(newKey.toString('base64'), oldKey.toString('hex'));

  it('seals under the current key only', () => {
    const sealed = during.seal(secret);
    expect(sealedCredentialsKeyId(sealed)).toBe(credentialsKeyId(newKey));
    expect(new CredentialsKeyring(newKey).open(sealed).credentials).toEqual(secret);
    expect(() => new CredentialsKeyring(oldKey).open(sealed)).toThrow(CredentialsDecryptionError);
  });

  it('opens values sealed under either key, and says which are already current', () => {
    expect(during.open(encryptCredentials(secret, newKey))).toEqual({ credentials: secret, current: true });
    expect(during.open(encryptCredentials(secret, oldKey))).toEqual({ credentials: secret, current: false });
  });

  it('opens v1 values (no key id) under the current key, then the previous one, never as current', () => {
    expect(during.open(sealV1(secret, newKey))).toEqual({ credentials: secret, current: false });
    expect(during.open(sealV1(secret, oldKey))).toEqual({ credentials: secret, current: false });
    expect(() => during.open(sealV1(secret, randomBytes(32)))).toThrow(CredentialsDecryptionError);
  });

  it('names both key ids, never a key, when a value was sealed under a third key', () => {
    let message = '';
    try {
      during.open(encryptCredentials(secret, randomBytes(32)));
    } catch (error) {
      expect(error).toBeInstanceOf(CredentialsDecryptionError);
      message = (error as Error).message;
    }
    expect(message).toContain(`CREDENTIALS_KEY (${credentialsKeyId(newKey)})`);
    expect(message).toContain(`CREDENTIALS_KEY_PREVIOUS (${credentialsKeyId(oldKey)})`);
    for (const key of [newKey, oldKey]) {
      for (const encoding of ['hex', 'base64'] as const) expect(message).not.toContain(key.toString(encoding));
    }
  });

  it('a keyring without a previous key opens only what the current key sealed', () => {
    const after = new CredentialsKeyring(newKey);
    expect(after.previousKeyId).toBeNull();
    expect(() => after.open(encryptCredentials(secret, oldKey))).toThrow(/no CREDENTIALS_KEY_PREVIOUS is set/);
  });

  it('refuses a malformed previous key like a malformed current key', () => {
    expect(() => new CredentialsKeyring(newKey, 'short')).toThrow(CredentialsKeyError);
    expect(() => new CredentialsKeyring('short')).toThrow(CredentialsKeyError);
  });

  it('shows only key ids when logged, printed or serialised', () => {
    const shown = [JSON.stringify(during), inspect(during), String(inspect({ config: { credentialsKey: during } }))];
    for (const text of shown) {
      expect(text).toContain(during.currentKeyId);
      for (const key of [newKey, oldKey]) {
        for (const encoding of ['hex', 'base64'] as const) expect(text).not.toContain(key.toString(encoding));
      }
    }
  });

  it('keeps destination credentials bound to tenant and platform under either key', () => {
    const oldSealed = sealDestinationCredentials(TENANT, 'meta', secret, oldKey);
    expect(openDestinationCredentials(TENANT, 'meta', oldSealed, during)).toEqual(secret);
    expect(openSealedDestinationCredentials(TENANT, 'meta', sealDestinationCredentials(TENANT, 'meta', secret, during), during).current).toBe(true);
    expect(() => openDestinationCredentials(TENANT, 'ga4', oldSealed, during)).toThrow(CredentialsDecryptionError);
    expect(() => openDestinationCredentials('6f1c2a4e-0000-4000-8000-000000000002', 'meta', oldSealed, during)).toThrow(CredentialsDecryptionError);
  });
});
