import { ConfigError } from '../errors.ts';
import { keyringFrom, parseSealingKey, type Keyring, type SealPurpose } from '../seal/keys.ts';
import { KEY, keyValue, type PluginKeys } from './keys.ts';

/** The keyring for one purpose from the `Sealing key` and optional `Previous sealing key`. */
export function sealingKeyring(keys: PluginKeys, purpose: SealPurpose): Keyring {
  const current = keyValue(keys, KEY.sealingKey);
  if (current === undefined) {
    throw new ConfigError('sealing_key_missing', `${KEY.sealingKey} is not set: run npm run keygen and paste the result into the plugin key`);
  }
  const previous = keyValue(keys, KEY.previousSealingKey);
  return keyringFrom(
    parseSealingKey(current, KEY.sealingKey),
    previous === undefined ? undefined : parseSealingKey(previous, KEY.previousSealingKey),
    purpose,
  );
}
