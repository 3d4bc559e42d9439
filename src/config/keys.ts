/** Plugin key captions (DESIGN §3). Bubble hands keys to server code keyed by caption. */
export const KEY = {
  sealingKey: 'Sealing key',
  previousSealingKey: 'Previous sealing key',
  clientId: 'Client ID',
  clientSecret: 'Client secret',
  provider: 'Provider',
  apiBaseUrl: 'API base URL',
  scopes: 'Scopes',
  connections: 'Connections',
  lockStoreUrl: 'Lock store URL',
  lockStoreToken: 'Lock store token',
} as const;

/** `context.keys` as Bubble passes it: caption → pasted text (unset keys may be missing or empty). */
export type PluginKeys = Readonly<Record<string, string | null | undefined>>;

/** A key's value with the stray whitespace of copy-paste removed; undefined when unset. */
export function keyValue(keys: PluginKeys, caption: string): string | undefined {
  const v = keys[caption];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}
