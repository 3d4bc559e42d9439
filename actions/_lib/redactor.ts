import { KEY } from '../../src/config/keys.ts';
import { SECRET_SETTINGS } from '../../src/config/settings.ts';
import { MIN_SECRET_LENGTH, scrubForms, secretForms } from '../../src/redact.ts';

/** Plugin keys whose values are secrets. Client ID, Provider, API base URL, Scopes and Lock store URL are not. */
const SECRET_KEYS: readonly string[] = [KEY.sealingKey, KEY.previousSealingKey, KEY.clientSecret, KEY.lockStoreToken];
const SECRET_SETTING_NAMES = new Set<string>(SECRET_SETTINGS);
/** The private members of a JWK (RFC 7518 §6.2.2, §6.3.2, §6.4); the public ones are not secret. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/**
 * Last line of defence: every string that leaves an action is scrubbed of every secret the action knew
 * (secret keys and settings, private JWK members, tokens it opened or received), in every form
 * (src/redact.ts). Only real secrets: scrubbing ordinary values would corrupt outputs and, worse, show
 * where a guess of a private value was right. The first line is not putting secrets anywhere.
 */
export class Redactor {
  /** each secret, with its forms once computed */
  private readonly secrets = new Map<string, string[] | undefined>();

  add(value: unknown): void {
    if (typeof value !== 'string' || value.trim().length < MIN_SECRET_LENGTH) return;
    if (!this.secrets.has(value.trim())) this.secrets.set(value.trim(), undefined);
  }

  addKeys(keys: Bubble.Keys): void {
    for (const caption of SECRET_KEYS) this.add(keys[caption]);
    this.addConnections(keys[KEY.connections]);
  }

  private addConnections(text: unknown): void {
    if (typeof text !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    for (const settings of Object.values(parsed)) {
      if (typeof settings !== 'object' || settings === null) continue;
      for (const [name, value] of Object.entries(settings)) if (SECRET_SETTING_NAMES.has(name)) this.addSecretValue(value);
    }
  }

  /** A secret setting: text, or a JWK (object or pasted JSON text) whose private members are the secrets. */
  private addSecretValue(value: unknown): void {
    this.add(value);
    let jwk = value;
    if (typeof value === 'string' && value.trim().startsWith('{')) {
      try {
        jwk = JSON.parse(value);
      } catch {
        return;
      }
    }
    if (typeof jwk === 'object' && jwk !== null) for (const m of PRIVATE_JWK_MEMBERS) this.add((jwk as Record<string, unknown>)[m]);
  }

  /**
   * Every form of a secret is at least its length minus 2 (a base64 core is 4/3 of it, less 2): only secrets
   * that short could hide in `text`, so most outputs (a scope, a status) cost no encoding work at all.
   */
  scrub(text: string): string {
    const forms: string[] = [];
    for (const [secret, known] of this.secrets) {
      if (secret.length - 2 > text.length) continue;
      const f = known ?? secretForms(secret);
      this.secrets.set(secret, f);
      forms.push(...f);
    }
    return scrubForms(text, forms.sort((a, b) => b.length - a.length));
  }
}
