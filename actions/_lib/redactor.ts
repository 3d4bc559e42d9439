import { KEY } from '../../src/config/keys.ts';
import { SECRET_SETTINGS } from '../../src/config/settings.ts';
import { isPresetName } from '../../src/providers/presets.ts';

/** Settings inside `Connections` whose values are private besides the secrets: ids and endpoints. */
const PRIVATE_SETTINGS = new Set<string>([...SECRET_SETTINGS, 'client_id', 'issuer', 'authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'api_base_url']);
const MIN_LENGTH = 4;

/**
 * Last line of defence: every string that leaves an action is scrubbed of every secret the action knew
 * (key values, connection secrets, tokens it opened or received). The first line is not putting them
 * there; this catches what a provider's error text or a future bug might echo.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(value: unknown): void {
    if (typeof value === 'string' && value.trim().length >= MIN_LENGTH) this.secrets.add(value.trim());
    else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) this.add(v);
  }

  addKeys(keys: Bubble.Keys): void {
    for (const [caption, value] of Object.entries(keys)) {
      if (caption === KEY.connections) this.addConnections(value);
      else if (!(caption === KEY.provider && typeof value === 'string' && isPresetName(value.trim().toLowerCase()))) this.add(value);
    }
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
      for (const [name, value] of Object.entries(settings)) if (PRIVATE_SETTINGS.has(name)) this.add(value);
    }
  }

  scrub(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is removed whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('[redacted]');
    return out;
  }
}
