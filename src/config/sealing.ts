import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import { keyringFrom, parseSealingKey, type Keyring, type SealPurpose } from '../seal/keys.ts';
import { KEY, keyValue, type PluginKeys } from './keys.ts';

/**
 * Keyrings already derived in this warm process. Checking a key's strength and deriving it cost more than
 * the AES call they serve, so each is done once per key per process. Entries are keyed by a hash of the
 * key texts, so this table holds no key text of its own; a few entries cover every app sharing the process.
 */
const derived = new Map<string, Keyring>();
const MAX_DERIVED = 16;

/** The keyring for one purpose from the `Sealing key` and optional `Previous sealing key`. */
export function sealingKeyring(keys: PluginKeys, purpose: SealPurpose): Keyring {
  const current = keyValue(keys, KEY.sealingKey);
  if (current === undefined) {
    throw new ConfigError('sealing_key_missing', `${KEY.sealingKey} is not set: run npm run keygen (or openssl rand -base64 32) and paste the result into the plugin key`);
  }
  const previous = keyValue(keys, KEY.previousSealingKey);
  const id = createHash('sha256').update(JSON.stringify([purpose, current, previous ?? null])).digest('base64url');
  const hit = derived.get(id);
  if (hit) return hit;
  const ring = keyringFrom(
    parseSealingKey(current, KEY.sealingKey),
    previous === undefined ? undefined : parseSealingKey(previous, KEY.previousSealingKey),
    purpose,
  );
  if (derived.size >= MAX_DERIVED) derived.clear();
  derived.set(id, ring);
  return ring;
}
