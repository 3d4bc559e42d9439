import { CompactEncrypt, compactDecrypt } from 'jose';
import { GrantError } from '../errors.ts';
import type { DerivedKey, Keyring } from './keys.ts';

/** Larger than any real grant (an ID token included); anything bigger is refused before parsing. */
const MAX_SEALED_LENGTH = 32_768;

export interface Opened {
  payload: unknown;
  /** true when only the previous sealing key opened it: the caller re-seals under the current key */
  usedPrevious: boolean;
}

export async function sealJson(payload: object, key: DerivedKey, typ: string): Promise<string> {
  const plaintext = new TextEncoder().encode(JSON.stringify(payload));
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: key.kid, typ })
    .encrypt(key.key);
}

/**
 * Opens a compact JWE sealed by `sealJson` with the ring's current key, then its previous key.
 * Every failure is the same `invalid` error: which step failed is of no use to the workflow and
 * a gift to someone probing with forged grants.
 */
export async function openJson(sealed: unknown, ring: Keyring, typ: string, invalid: () => GrantError): Promise<Opened> {
  if (typeof sealed !== 'string' || sealed.length === 0 || sealed.length > MAX_SEALED_LENGTH) throw invalid();
  const candidates = [ring.current, ring.previous].filter((k): k is DerivedKey => k !== undefined);
  for (const key of candidates) {
    try {
      const { plaintext, protectedHeader } = await compactDecrypt(sealed.trim(), key.key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      if (protectedHeader.typ !== typ) throw invalid();
      return { payload: JSON.parse(new TextDecoder().decode(plaintext)), usedPrevious: key !== ring.current };
    } catch {
      // try the next key; GCM authentication makes a wrong key fail here, never decrypt to junk
    }
  }
  throw invalid();
}
