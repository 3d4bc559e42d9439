import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { InputError, GrantError } from '../errors.ts';
import type { DerivedKey, Keyring } from './keys.ts';

/**
 * One limit for sealing and opening (DESIGN §4): sealJson refuses to make what openJson would refuse to
 * open, so no action can answer `ok` with a grant that never opens again. Token fields are capped where
 * they enter (see src/seal/grant.ts) so a valid grant, JSON-escaped at worst, always fits.
 */
export const MAX_SEALED_LENGTH = 98_304;

/** The only protected-header members we write or accept: no `zip`, no `crit`, nothing to interpret. */
const HEADER_MEMBERS = ['alg', 'enc', 'kid', 'typ'];
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Opened {
  payload: unknown;
  /** true when only the previous sealing key opened it: the caller re-seals under the current key */
  usedPrevious: boolean;
}

/**
 * Seals a JSON payload as a compact JWE (RFC 7516): `alg: dir`, `enc: A256GCM`, the derived key's kid.
 * One AES-256-GCM call with node:crypto; the format is the standard one (jose opens it, tests prove it).
 */
export function sealJson(payload: object, key: DerivedKey, typ: string, tooLarge: () => InputError): string {
  const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: key.kid, typ })).toString('base64url');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  // RFC 7516 §5.1 step 14: the AAD is the ASCII of the encoded protected header.
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  const sealed = `${header}..${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  if (sealed.length > MAX_SEALED_LENGTH) throw tooLarge();
  return sealed;
}

/**
 * Opens a compact JWE sealed by `sealJson` with the key its `kid` names (current, then previous).
 * Every failure is the same `invalid` error: which step failed is of no use to the workflow and a gift
 * to someone probing with forged grants.
 */
export function openJson(sealed: unknown, ring: Keyring, typ: string, invalid: () => GrantError): Opened {
  if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_LENGTH) throw invalid();
  const parts = sealed.trim().split('.');
  if (parts.length !== 5 || parts[1] !== '') throw invalid(); // dir: the encrypted key is empty
  const [header = '', , iv = '', ciphertext = '', tag = ''] = parts;
  const h = parseHeader(header);
  if (!h || h.alg !== 'dir' || h.enc !== 'A256GCM' || h.typ !== typ) throw invalid();
  const key = [ring.current, ring.previous].find((k) => k !== undefined && k.kid === h.kid);
  if (!key) throw invalid();
  const plaintext = decrypt(key, header, iv, ciphertext, tag);
  if (plaintext === undefined) throw invalid();
  try {
    return { payload: JSON.parse(plaintext), usedPrevious: key !== ring.current };
  } catch {
    throw invalid();
  }
}

function parseHeader(encoded: string): Record<string, unknown> | undefined {
  if (!isBase64url(encoded)) return undefined;
  try {
    const h: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (typeof h !== 'object' || h === null || Array.isArray(h)) return undefined;
    return Object.keys(h).every((k) => HEADER_MEMBERS.includes(k)) ? (h as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** AES-256-GCM open; undefined when anything is off (GCM authentication makes a wrong key fail here). */
function decrypt(key: DerivedKey, header: string, iv: string, ciphertext: string, tag: string): string | undefined {
  if (!isBase64url(iv) || !isBase64url(ciphertext) || !isBase64url(tag)) return undefined;
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(header, 'ascii'));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Node's base64url decoder skips junk silently; a strict check keeps one encoding per grant. */
const isBase64url = (s: string): boolean => /^[A-Za-z0-9_-]*$/.test(s) && s.length % 4 !== 1;
