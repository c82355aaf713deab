import { randomBytes } from 'node:crypto';
import {
  CredentialsDecryptionError,
  CredentialsKeyError,
  credentialsKeyId,
  decryptCredentials,
  encryptCredentials,
  parseCredentialsKey,
  sealedCredentialsKeyId,
} from './credentials';
import { sealV1 } from './legacy-v1.fixture';

const key = randomBytes(32);
const secret = { access_token: 'EAAB-secret-token', api_secret: 's3cr3t' };

describe('credentials (AES-256-GCM)', () => {
  it('round-trips an object', () => {
    const sealed = encryptCredentials(secret, key);
    expect(decryptCredentials(sealed, key)).toEqual(secret);
  });

  it('produces the versioned v2:<key id>:<iv>:<tag>:<ct> format without plaintext', () => {
    const sealed = encryptCredentials(secret, key);
    const [version, keyId, iv, tag, ct, ...rest] = sealed.split(':');
    expect(version).toBe('v2');
    expect(keyId).toBe(credentialsKeyId(key));
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(sealedCredentialsKeyId(sealed)).toBe(keyId);
    expect(Buffer.from(iv!, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64')).toHaveLength(16);
    expect(ct!.length).toBeGreaterThan(0);
    expect(rest).toHaveLength(0);
    expect(sealed).not.toContain('secret-token');
  });

  it('names each key by the same id, and different keys by different ids, none containing the key', () => {
    expect(credentialsKeyId(key.toString('hex'))).toBe(credentialsKeyId(key.toString('base64')));
    expect(credentialsKeyId(randomBytes(32))).not.toBe(credentialsKeyId(key));
    expect(key.toString('hex')).not.toContain(credentialsKeyId(key));
  });

  it('still opens v1 values (no key id), with and without context', () => {
    expect(decryptCredentials(sealV1(secret, key), key)).toEqual(secret);
    expect(sealedCredentialsKeyId(sealV1(secret, key))).toBeNull();
    expect(decryptCredentials(sealV1(secret, key, 'tenant-a:meta'), key, { context: 'tenant-a:meta' })).toEqual(secret);
    expect(() => decryptCredentials(sealV1(secret, key, 'tenant-a:meta'), key, { context: 'tenant-b:meta' })).toThrow(CredentialsDecryptionError);
  });

  it('refuses a v2 value under another key by its key id, and an edited key id', () => {
    const sealed = encryptCredentials(secret, key);
    expect(() => decryptCredentials(sealed, randomBytes(32))).toThrow(/sealed with another key \(key id [0-9a-f]{16}\)/);
    const other = randomBytes(32);
    const relabelled = encryptCredentials(secret, other).replace(credentialsKeyId(other), credentialsKeyId(key));
    expect(() => decryptCredentials(relabelled, key)).toThrow(CredentialsDecryptionError);
  });

  it('uses a fresh IV each time', () => {
    expect(encryptCredentials(secret, key)).not.toBe(encryptCredentials(secret, key));
  });

  it('rejects a wrong key with a typed error that does not leak plaintext', () => {
    const sealed = encryptCredentials(secret, key);
    let caught: unknown;
    try {
      decryptCredentials(sealed, randomBytes(32));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CredentialsDecryptionError);
    expect(String((caught as Error).message)).not.toContain('secret');
  });

  it('rejects tampered ciphertext, IV or tag', () => {
    const [v, id, iv, tag, ct] = encryptCredentials(secret, key).split(':') as [string, string, string, string, string];
    const flip = (b64: string): string => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString('base64');
    };
    for (const bad of [
      [v, id, iv, tag, flip(ct)],
      [v, id, flip(iv), tag, ct],
      [v, id, iv, flip(tag), ct],
    ]) {
      expect(() => decryptCredentials(bad.join(':'), key)).toThrow(CredentialsDecryptionError);
    }
  });

  it('binds the optional context (associated data)', () => {
    const sealed = encryptCredentials(secret, key, { context: 'tenant-a:meta' });
    expect(decryptCredentials(sealed, key, { context: 'tenant-a:meta' })).toEqual(secret);
    expect(() => decryptCredentials(sealed, key, { context: 'tenant-b:meta' })).toThrow(CredentialsDecryptionError);
    expect(() => decryptCredentials(sealed, key)).toThrow(CredentialsDecryptionError);
  });

  it('rejects unknown versions and malformed strings', () => {
    const sealed = encryptCredentials(secret, key);
    expect(() => decryptCredentials(sealed.replace(/^v2/, 'v3'), key)).toThrow(CredentialsDecryptionError);
    expect(() => decryptCredentials(sealed.replace(/^v2/, 'v1'), key)).toThrow(CredentialsDecryptionError);
    expect(() => decryptCredentials('not-a-ciphertext', key)).toThrow(CredentialsDecryptionError);
    expect(() => decryptCredentials('v1:AAAA:BBBB:CCCC', key)).toThrow(CredentialsDecryptionError);
  });

  describe('key parsing', () => {
    it('accepts 32 bytes as hex, base64 and base64url', () => {
      const hex = key.toString('hex');
      for (const encoded of [hex, hex.toUpperCase(), key.toString('base64'), key.toString('base64url')]) {
        expect(parseCredentialsKey(encoded).equals(key)).toBe(true);
      }
      const sealed = encryptCredentials(secret, key.toString('base64'));
      expect(decryptCredentials(sealed, hex)).toEqual(secret);
    });

    it('rejects keys that are not 32 bytes', () => {
      for (const bad of ['', 'short', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), randomBytes(33).toString('base64')]) {
        expect(() => parseCredentialsKey(bad)).toThrow(CredentialsKeyError);
      }
      expect(() => encryptCredentials(secret, Buffer.alloc(16))).toThrow(CredentialsKeyError);
    });
  });
});
