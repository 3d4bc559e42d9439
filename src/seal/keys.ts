import { createHash, hkdfSync } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import { judgeSealingKey, MIN_KEY_BYTES } from './key-strength.ts';

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

const HOW = 'make one with `openssl rand -base64 32` or `npm run keygen` and paste it whole';

/**
 * Decodes a sealing key (base64, base64url or hex of ≥ 32 random bytes) and refuses what a person made up:
 * words, passphrases, patterns (src/seal/key-strength.ts). A sealed grant may sit in a field a user can read,
 * and a guessable key lets them open and forge grants offline. `field` is the key caption used in the error;
 * the value is never part of the message.
 */
export function parseSealingKey(value: string, field: string): Uint8Array {
  const verdict = judgeSealingKey(value.trim());
  if (verdict.ok) return verdict.bytes;
  switch (verdict.reason) {
    case 'format':
      throw new ConfigError('sealing_key_invalid', `${field} must be the base64, base64url or hex text of a random key: ${HOW}`);
    case 'short':
      throw new ConfigError('sealing_key_weak', `${field} is too short: it needs at least ${MIN_KEY_BYTES} random bytes; ${HOW}`);
    case 'guessable':
      throw new ConfigError('sealing_key_weak', `${field} looks made up (words, a passphrase or a pattern), so it could be guessed from one sealed grant; ${HOW}`);
  }
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
