/**
 * The configuration review (DESIGN §5c): what the keys allow, read without printing any value — Bubble's advice to
 * remove unused credentials and review access regularly, as a report. Pure: the usage facts (from the lock store)
 * are passed in. Secrets are compared by hash only; what a finding names is a connection, a setting or a key id.
 */
import { createHash } from 'node:crypto';
import { connectionNames, resolveConnection, type Connection } from '../config/connections.ts';
import { KEY, type PluginKeys } from '../config/keys.ts';
import { sealingKeyring } from '../config/sealing.ts';
import { SECRET_SETTINGS } from '../config/settings.ts';
import { connectionHash } from '../coord/usage.ts';
import { PluginError } from '../errors.ts';
import { PRESETS } from '../providers/presets.ts';

export type Severity = 'error' | 'warning' | 'info';
export interface Finding { severity: Severity; code: string; message: string }
/** Usage facts from the lock store: field → Unix seconds (`conn:<hash>`, `prevkey:<kid>`); undefined without a store. */
export type Usage = Readonly<Record<string, string | number>> | undefined;

export const UNUSED_DAYS = 90;
const DAY_S = 86_400;
const OAUTH = ['oauth_bearer', 'client_credentials', 'jwt_bearer'];

/** Settings that mean something only in some modes (prefix or exact name → modes). */
const MODE_SETTINGS: [RegExp, string[]][] = [
  [/^api_key/, ['api_key']],
  [/^hmac_/, ['hmac']],
  [/^aws_/, ['aws_sigv4']],
  [/^jwt_/, ['jwt_signed']],
  [/^sig_/, ['http_signature']],
  [/^assertion_claims$/, ['jwt_bearer']],
  [/^(client_id|client_secret|token_auth|issuer|preset|scopes|use_par|use_dpop|authorization_endpoint|token_endpoint|revocation_endpoint|pushed_authorization_request_endpoint|jwks_uri)$/, OAUTH],
  [/^private_key_jwk$/, OAUTH],
];

export function reviewConfiguration(keys: PluginKeys, usage: Usage, nowS: number): Finding[] {
  const out: Finding[] = [];
  const add = (severity: Severity, code: string, message: string) => out.push({ severity, code, message });
  reviewSealingKeys(keys, usage, nowS, add);
  let names: string[] = [];
  try {
    names = connectionNames(keys);
  } catch (e) {
    add('error', codeOf(e), messageOf(e));
  }
  if (names.length === 0) add('info', 'no_connections', 'No connection is configured yet.');
  const secrets = new Map<string, string>();
  for (const name of names) {
    let conn: Connection;
    try {
      conn = resolveConnection(keys, name);
    } catch (e) {
      add('error', codeOf(e), messageOf(e));
      continue;
    }
    reviewConnection(conn, add);
    for (const [setting, digest] of secretDigests(conn)) {
      const other = secrets.get(digest);
      if (other) add('warning', 'shared_credential', `connection "${name}" (${setting}) uses the same credential as ${other}: use one credential per service, so one leak or revocation touches one connection`);
      else secrets.set(digest, `connection "${name}" (${setting})`);
    }
    if (usage) {
      const last = Number(usage[`conn:${connectionHash(name)}`]);
      if (!Number.isFinite(last) || last <= 0) add('info', 'connection_use_unknown', `connection "${name}": no use recorded by the lock store yet`);
      else if (nowS - last > UNUSED_DAYS * DAY_S) add('warning', 'connection_unused', `connection "${name}" has not been used for ${Math.floor((nowS - last) / DAY_S)} days: remove its credentials if the app no longer needs it`);
    }
  }
  if (!usage) add('info', 'no_usage_facts', `No lock store: last use of connections and of the ${KEY.previousSealingKey} is not recorded (docs/lock-store.md).`);
  return out;
}

type Add = (severity: Severity, code: string, message: string) => void;

function reviewSealingKeys(keys: PluginKeys, usage: Usage, nowS: number, add: Add): void {
  let ring;
  try {
    ring = sealingKeyring(keys, 'grant');
  } catch (e) {
    add('error', codeOf(e), messageOf(e));
    return;
  }
  add('info', 'sealing_key', `${KEY.sealingKey} fingerprint (kid in sealed grants): ${ring.current.kid}`);
  if (!ring.previous) return;
  const last = usage ? Number(usage[`prevkey:${ring.previous.kid}`]) : NaN;
  const when = !usage ? 'its last use is not recorded without a lock store'
    : Number.isFinite(last) && last > 0 ? `it last opened a grant ${Math.floor((nowS - last) / DAY_S)} days ago` : 'the lock store has recorded no grant opened with it';
  add('warning', 'previous_key_set', `${KEY.previousSealingKey} is still set (fingerprint ${ring.previous.kid}); ${when}. Remove it once every stored grant was re-saved under the current key.`);
}

function reviewConnection(conn: Connection, add: Add): void {
  const where = `connection "${conn.name}"`;
  const hosts = [conn.api_base_url ? new URL(conn.api_base_url).host : undefined, ...((conn.extra.allowed_hosts as string[] | undefined) ?? [])].filter(Boolean);
  const provider = conn.preset ? `preset ${conn.preset}` : conn.issuer ? new URL(conn.issuer).host : conn.token_endpoint ? new URL(conn.token_endpoint).host : undefined;
  const facts = [`mode ${conn.mode}`, hosts.length ? `API hosts ${hosts.join(', ')}` : 'no API base URL', provider && OAUTH.includes(conn.mode) ? `provider ${provider}` : undefined,
    OAUTH.includes(conn.mode) ? `client auth ${conn.token_auth}` : undefined, conn.scopes.length ? `scopes ${conn.scopes.join(' ')}` : undefined].filter(Boolean);
  add('info', 'connection', `${where}: ${facts.join('; ')}`);
  if (conn.allow_insecure_http) add('warning', 'http_allowed', `${where} allows plain http (allow_insecure_http): only loopback hosts are reachable that way; remove it outside tests`);
  if (conn.api_base_url) {
    if (!(conn.extra.allowed_methods as string[] | undefined)?.length) add('warning', 'all_methods', `${where} allows every method (GET, HEAD, POST, PUT, PATCH, DELETE): set allowed_methods to what the app needs (e.g. GET only to read)`);
    if (!(conn.extra.allowed_paths as string[] | undefined)?.length) add('warning', 'no_path_restriction', `${where} allows every path under its API base URL: set allowed_paths to the endpoints the app calls`);
  }
  if (conn.preset && conn.token_auth.startsWith('client_secret') && PRESETS[conn.preset].token_auth.includes('private_key_jwt')) {
    add('warning', 'secret_where_key_possible', `${where} authenticates with a client secret, but ${conn.preset} accepts private_key_jwt: a private JWK is never sent to the provider`);
  }
  const settings = [...Object.keys(conn.extra), ...(['client_id', 'client_secret', 'private_key_jwk', 'issuer', 'token_endpoint'] as const).filter((k) => conn[k] !== undefined), ...(conn.preset ? ['preset'] : [])];
  for (const s of settings) {
    const modes = MODE_SETTINGS.find(([re]) => re.test(s))?.[1];
    if (modes && !modes.includes(conn.mode)) add('warning', 'setting_unused', `${where}: ${s} means nothing in mode ${conn.mode}; remove it (a credential kept where it is not used is one more to leak)`);
  }
}

/** Each secret the connection holds, as a digest (never the value): setting name → digest. */
function secretDigests(conn: Connection): [string, string][] {
  const values: [string, unknown][] = [['client_secret', conn.client_secret], ['private_key_jwk', conn.private_key_jwk?.d], ...SECRET_SETTINGS.filter((s) => s !== 'client_secret' && s !== 'private_key_jwk').map((s): [string, unknown] => [s, conn.extra[s]])];
  return values.filter(([, v]) => typeof v === 'string' && v.length > 0)
    .map(([s, v]) => [s, createHash('sha256').update(String(v)).digest('base64url')]);
}

const codeOf = (e: unknown): string => (e instanceof PluginError ? e.code : 'internal');
const messageOf = (e: unknown): string => (e instanceof PluginError ? e.message : 'the configuration could not be read');

/** One line per finding, `severity code: message`, worst first. */
export function findingLines(findings: Finding[]): string[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]).map((f) => `${f.severity} ${f.code}: ${f.message}`);
}

/** Plain-text report for an email. */
export function reportText(findings: Finding[], nowS: number): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return [`Secure API Connector: configuration review, ${new Date(nowS * 1000).toISOString().slice(0, 10)}`,
    `${count('error')} errors, ${count('warning')} warnings, ${count('info')} notes.`, '', ...findingLines(findings)].join('\n');
}
