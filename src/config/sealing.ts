import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import { deriveKey, parseSealingKey, type DerivedKey, type Keyring, type SealPurpose } from '../seal/keys.ts';
import { KEY, keyValue, type PluginKeys } from './keys.ts';

/**
 * Keys already judged and derived in this warm process. Judging a key's strength and deriving it cost more than
 * the AES call they serve, so each is done once per key (and per purpose) per process — an action that needs two
 * purposes (grant and authorization state) judges the key once. Entries are keyed by a hash of the key text, so
 * this table holds no key text of its own; a few entries cover every app sharing the process.
 */
const derived = new Map<string, DerivedKey>();
const MAX_DERIVED = 32;

/** The keyring for one purpose from the `Sealing key` and optional `Previous sealing key`. */
export function sealingKeyring(keys: PluginKeys, purpose: SealPurpose): Keyring {
  const current = keyValue(keys, KEY.sealingKey);
  if (current === undefined) {
    throw new ConfigError('sealing_key_missing', `${KEY.sealingKey} is not set: run npm run keygen (or openssl rand -base64 32) and paste the result into the plugin key`);
  }
  const previous = keyValue(keys, KEY.previousSealingKey);
  const ring: Keyring = { current: derive(current, KEY.sealingKey, purpose) };
  return previous === undefined ? ring : { ...ring, previous: derive(previous, KEY.previousSealingKey, purpose) };
}

function derive(text: string, caption: string, purpose: SealPurpose): DerivedKey {
  const id = createHash('sha256').update(text).digest('base64url');
  const hit = derived.get(`${purpose}:${id}`);
  if (hit) return hit;
  const bytes = parseSealingKey(text, caption);
  if (derived.size >= MAX_DERIVED) derived.clear();
  // Both purposes at once: the key was judged and decoded already.
  for (const p of ['grant', 'state'] as const) derived.set(`${p}:${id}`, deriveKey(bytes, p));
  return derived.get(`${purpose}:${id}`) as DerivedKey;
}
