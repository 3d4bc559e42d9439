import { createHash, hkdfSync } from 'node:crypto';
import { ConfigError } from '../errors.ts';

/** What a derived key is for: the same sealing secret never keys two purposes. */
export type SealPurpose = 'grant' | 'state';

export interface DerivedKey {
  readonly key: Uint8Array;
  /** short hash of the derived key, safe to publish in the JWE header */
  readonly kid: string;
}

export interface Keyring {
  readonly current: DerivedKey;
  readonly previous?: DerivedKey;
}

const MIN_KEY_BYTES = 32;
const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Decodes a sealing key (base64url, ≥ 32 bytes) and refuses weak ones: too short, not base64url, or
 * with so few distinct bytes that it cannot have come from a random generator ("aaaa…", "0000…").
 * `field` is the key caption used in the error; the value is never part of the message.
 */
export function parseSealingKey(value: string, field: string): Uint8Array {
  const text = value.trim();
  if (!B64URL.test(text)) {
    throw new ConfigError('sealing_key_invalid', `${field} must be base64url text (run npm run keygen to make one)`);
  }
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  if (bytes.length < MIN_KEY_BYTES) {
    throw new ConfigError('sealing_key_weak', `${field} is too short: it needs at least ${MIN_KEY_BYTES} random bytes (run npm run keygen)`);
  }
  // 32 random bytes have ~30 distinct values; fewer than half that means a pattern, not randomness.
  if (new Set(bytes).size < MIN_KEY_BYTES / 2) {
    throw new ConfigError('sealing_key_weak', `${field} is not random enough (run npm run keygen to make one)`);
  }
  return bytes;
}

export function deriveKey(secret: Uint8Array, purpose: SealPurpose): DerivedKey {
  const key = new Uint8Array(hkdfSync('sha256', secret, 'bubble-secure-api', `bubble-secure-api/v1/${purpose}`, 32));
  const kid = createHash('sha256').update('kid:').update(key).digest('base64url').slice(0, 16);
  return { key, kid };
}

/** Builds the keyring for one purpose from the current and the optional previous sealing key. */
export function keyringFrom(current: Uint8Array, previous: Uint8Array | undefined, purpose: SealPurpose): Keyring {
  const ring: Keyring = { current: deriveKey(current, purpose) };
  return previous ? { ...ring, previous: deriveKey(previous, purpose) } : ring;
}
