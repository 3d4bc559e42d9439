import { InputError } from '../../src/errors.ts';
import { normaliseScope } from '../../src/oauth/scope.ts';
import { MAX_TIME } from '../../src/seal/grant.ts';

/** Readers for Bubble properties: empty optional fields arrive as null/undefined/"". */
export function optionalText(props: Bubble.Properties, name: string, maxLength = 4096): string | undefined {
  const v = props[name];
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'string') throw new InputError('invalid_input', `${name} must be text`);
  const t = v.trim();
  if (t.length > maxLength) throw new InputError('invalid_input', `${name} is longer than ${maxLength} characters`);
  return t === '' ? undefined : t;
}

export function requiredText(props: Bubble.Properties, name: string, maxLength = 4096): string {
  const v = optionalText(props, name, maxLength);
  if (v === undefined) throw new InputError('invalid_input', `${name} is required`);
  return v;
}

export function optionalNumber(props: Bubble.Properties, name: string, min: number, max: number): number | undefined {
  const v = props[name];
  if (v === null || v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new InputError('invalid_input', `${name} must be a number from ${min} to ${max}`);
  return n;
}

export function flag(props: Bubble.Properties, name: string): boolean {
  return props[name] === true || props[name] === 'true';
}

/** A date field as Unix seconds: Bubble passes Date objects; ISO text and epoch ms are accepted too. */
export function optionalDate(props: Bubble.Properties, name: string): number | undefined {
  const v = props[name];
  if (v === null || v === undefined || v === '') return undefined;
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new InputError('invalid_input', `${name} must be a date`);
  // Before 1970 means "already expired"; the far end is what a Date can still show.
  return Math.min(Math.max(0, Math.floor(ms / 1000)), MAX_TIME);
}

/** A scope field: RFC 6749 §3.3 scope tokens separated by spaces. */
export function optionalScope(props: Bubble.Properties, name: string, maxLength: number): string | undefined {
  const text = optionalText(props, name, maxLength);
  if (text === undefined) return undefined;
  const scope = normaliseScope(text);
  if (scope === undefined) throw new InputError('invalid_scope_input', `${name} must be scope names separated by spaces (no quotes, backslashes or control characters)`);
  return scope;
}

/** The items of a list field: a v4 list wrapper (async length/get), or a plain array. */
async function listItems(props: Bubble.Properties, name: string, maxItems: number): Promise<unknown[]> {
  const v = props[name] as unknown;
  if (v === null || v === undefined || v === '') return [];
  if (Array.isArray(v)) return v.slice(0, maxItems + 1);
  const l = v as Partial<Bubble.List<unknown>>;
  if (typeof l.length !== 'function' || typeof l.get !== 'function') throw new InputError('invalid_input', `${name} must be a list`);
  const n = await l.length();
  return n === 0 ? [] : l.get(0, Math.min(n, maxItems + 1));
}

/** A list of texts (e.g. JSON paths), each trimmed, empties dropped. */
export async function textList(props: Bubble.Properties, name: string, maxItems: number, maxLength: number): Promise<string[]> {
  const items = await listItems(props, name, maxItems);
  if (items.length > maxItems) throw new InputError('invalid_input', `${name} has more than ${maxItems} entries`);
  return items.map((x) => {
    if (typeof x !== 'string' || x.length > maxLength) throw new InputError('invalid_input', `${name} must be texts of at most ${maxLength} characters`);
    return x.trim();
  }).filter(Boolean);
}

/**
 * A key/value list field (Bubble's key_value_list editor, as for API parameters and headers): entries as
 * `{ key, value }`, `[key, value]`, or a plain object; keys and values are text.
 */
export async function keyValueList(props: Bubble.Properties, name: string, maxItems = 64): Promise<[string, string][]> {
  const raw = props[name] as unknown;
  const items = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && typeof (raw as { get?: unknown }).get !== 'function'
    ? Object.entries(raw as Record<string, unknown>).map(([key, value]) => ({ key, value }))
    : await listItems(props, name, maxItems);
  if (items.length > maxItems) throw new InputError('invalid_input', `${name} has more than ${maxItems} entries`);
  return items.map((e) => {
    const [k, v] = Array.isArray(e) ? e : [(e as { key?: unknown })?.key, (e as { value?: unknown })?.value];
    if (typeof k !== 'string' || k === '' || (v !== null && v !== undefined && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) {
      throw new InputError('invalid_input', `${name} entries must be a key and a text value`);
    }
    // keys as given: a header name with a stray space or line break is refused by name, not silently repaired
    return [k, v === null || v === undefined ? '' : String(v)];
  });
}
