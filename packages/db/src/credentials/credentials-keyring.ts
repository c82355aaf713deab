/**
 * The keys a process holds during a key rotation: `current` (CREDENTIALS_KEY) seals and opens,
 * `previous` (CREDENTIALS_KEY_PREVIOUS, optional) only opens. A value names the key that sealed
 * it (v2 key id) and is opened with that key; a v1 value names none and is tried with the
 * current key, then the previous one. The raw keys stay in private fields: a keyring that ends
 * up in a log or a JSON dump shows only the key ids.
 */
import {
  CredentialsDecryptionError,
  credentialsKeyId,
  decryptCredentials,
  encryptCredentials,
  parseCredentialsKey,
  sealedCredentialsKeyId,
  type CredentialsCryptoOptions,
  type CredentialsKey,
} from './credentials';

export interface OpenedCredentials<T> {
  credentials: T;
  /** Whether the value is already sealed the way `seal` would: v2 under the current key. */
  current: boolean;
}

interface RingKey {
  id: string;
  bytes: Buffer;
}

export class CredentialsKeyring {
  readonly #current: RingKey;
  readonly #previous: RingKey | null;

  constructor(current: CredentialsKey, previous?: CredentialsKey) {
    const ringKey = (key: CredentialsKey): RingKey => {
      const bytes = parseCredentialsKey(key);
      return { id: credentialsKeyId(bytes), bytes };
    };
    this.#current = ringKey(current);
    this.#previous = previous === undefined ? null : ringKey(previous);
  }

  get currentKeyId(): string {
    return this.#current.id;
  }

  get previousKeyId(): string | null {
    return this.#previous?.id ?? null;
  }

  seal(credentials: Record<string, unknown>, opts: CredentialsCryptoOptions = {}): string {
    return encryptCredentials(credentials, this.#current.bytes, opts);
  }

  open<T extends Record<string, unknown> = Record<string, unknown>>(sealed: string, opts: CredentialsCryptoOptions = {}): OpenedCredentials<T> {
    const keyId = sealedCredentialsKeyId(sealed);
    const keys = [this.#current, ...(this.#previous ? [this.#previous] : [])];
    const candidates = keyId === null ? keys : keys.filter((k) => k.id === keyId);
    if (candidates.length === 0) {
      throw new CredentialsDecryptionError(`Cannot decrypt credentials: sealed with key id ${keyId}, which is neither ${this.describeKeys()}`);
    }
    let lastError: unknown;
    for (const key of candidates) {
      try {
        const credentials = decryptCredentials<T>(sealed, key.bytes, opts);
        return { credentials, current: keyId === this.#current.id };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  toJSON(): Record<string, string | null> {
    return { currentKeyId: this.currentKeyId, previousKeyId: this.previousKeyId };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `CredentialsKeyring { current: ${this.currentKeyId}, previous: ${this.previousKeyId ?? 'none'} }`;
  }

  private describeKeys(): string {
    const previous = this.#previous ? ` nor CREDENTIALS_KEY_PREVIOUS (${this.#previous.id})` : ' (no CREDENTIALS_KEY_PREVIOUS is set)';
    return `CREDENTIALS_KEY (${this.#current.id})${previous}`;
  }
}

/** A single key is a keyring without a previous key. */
export function toCredentialsKeyring(keys: CredentialsKey | CredentialsKeyring): CredentialsKeyring {
  return keys instanceof CredentialsKeyring ? keys : new CredentialsKeyring(keys);
}
