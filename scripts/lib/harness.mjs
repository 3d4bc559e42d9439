// @ts-check
/**
 * Bubble runtime emulation for server-side actions (BUBBLE_FORMAT.md §5): reads an emitted server.js as
 * text, evaluates it as Bubble does (one function expression, `require` in scope), and calls it with
 * Bubble-shaped properties (typed per params.json, empty fields as null) and context (keys by caption,
 * v4 async thing/list wrappers). Outputs are checked against params.json's return_value.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';

/** @typedef {{ caption: string, name: string, editor: string, value?: string, optional?: boolean, default_val?: unknown, is_list?: boolean }} Field */
/** @typedef {{ name: string, value: string, is_list?: boolean }} ReturnValue */
/** @typedef {{ id: string, folder: string, dir: string, params: { display: string, type: string, fields: Record<string, Field>, return_value: Record<string, ReturnValue> }, run: (p: object, c: object) => Promise<Record<string, unknown>> }} LoadedAction */

export class HarnessError extends Error {
  /** @override */
  name = 'HarnessError';
}

/**
 * Finds an action in a built plugin by Bubble ID (refresh_token), source folder (refresh-token) or
 * dist folder name, and evaluates its server.js.
 * @param {string} pluginDir dist/plugin
 * @param {string} which
 * @returns {LoadedAction}
 */
export function loadAction(pluginDir, which) {
  if (!existsSync(join(pluginDir, 'actions'))) throw new HarnessError(`no built plugin at ${pluginDir}: run npm run build`);
  // actions built but not shipped (plugin/index.ts `staged`) sit next to the plugin, in dist/staged
  const dirs = [join(pluginDir, 'actions'), join(pluginDir, '..', 'staged', 'actions')].filter((d) => existsSync(d));
  const wanted = which.replace(/-/g, '_');
  const found = dirs.flatMap((d) => readdirSync(d).map((f) => ({ d, f }))).find(({ f }) => f === which || f.replace(/-[0-9a-z]+$/, '') === wanted);
  if (!found) {
    const names = dirs.flatMap((d) => readdirSync(d)).map((f) => f.replace(/-[0-9a-z]+$/, '').replace(/_/g, '-')).sort();
    throw new HarnessError(`no action "${which}" in ${pluginDir}; the actions are: ${names.join(', ')}`);
  }
  const folder = found.f;
  const dir = join(found.d, folder);
  const params = JSON.parse(readFileSync(join(dir, 'params.json'), 'utf8'));
  if (params.type !== 'server_side') throw new HarnessError(`${folder} is not a server-side action`);
  const file = join(dir, 'server.js');
  const run = evaluateServerJs(readFileSync(file, 'utf8'), file);
  return { id: folder.replace(/-[0-9a-z]+$/, ''), folder, dir, params, run };
}

/**
 * Evaluates the file text as one function expression in this realm, with CommonJS `require` in scope
 * (shipped v4 plugins call require('crypto') inside the function). Anything else in the file is a
 * syntax error here, as it would be for Bubble.
 * @param {string} text
 * @param {string} filename
 */
export function evaluateServerJs(text, filename) {
  const factory = vm.compileFunction(`return (${text}\n);`, ['require'], { filename });
  const fn = factory(createRequire(filename));
  if (typeof fn !== 'function') throw new HarnessError(`${filename} does not evaluate to a function`);
  return fn;
}

/**
 * Properties as Bubble passes them: every declared field present (null when empty, default_val when set),
 * dates as Date, numbers as numbers. Undeclared names are refused: they would never reach the action.
 * @param {LoadedAction} action
 * @param {Record<string, unknown>} props
 */
export function bubbleProperties(action, props) {
  const fields = Object.values(action.params.fields);
  const names = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(props)) if (!names.has(k)) throw new HarnessError(`${action.id} has no field named "${k}"`);
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const f of fields) {
    const given = props[f.name];
    const v = given === undefined || given === '' ? f.default_val ?? (f.editor === 'Checkbox' ? false : null) : given;
    out[f.name] = coerce(v, f);
  }
  return out;
}

/** @param {unknown} v @param {Field} f @returns {unknown} */
function coerce(v, f) {
  if (v === null || v === undefined) return null;
  // Lists arrive as v4 list wrappers (async length/get), key/value lists as lists of { key, value }.
  if (f.is_list) {
    if (!Array.isArray(v)) throw new HarnessError(`field ${f.name}: not a list`);
    return list(v.map((x) => coerce(x, { ...f, is_list: false })));
  }
  if (f.editor === 'key_value_list') {
    const pairs = Array.isArray(v) ? v : Object.entries(/** @type {object} */ (v)).map(([key, value]) => ({ key, value }));
    return list(pairs.map((p) => (Array.isArray(p) ? { key: String(p[0]), value: String(p[1]) } : { key: String(p.key), value: String(p.value) })));
  }
  if (f.value === 'date') {
    const d = v instanceof Date ? v : new Date(/** @type {string | number} */ (v));
    if (Number.isNaN(d.getTime())) throw new HarnessError(`field ${f.name}: not a date`);
    return d;
  }
  if (f.value === 'number') {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new HarnessError(`field ${f.name}: not a number`);
    return n;
  }
  if (f.editor === 'Checkbox' || f.value === 'boolean') return v === true || v === 'true';
  return typeof v === 'string' ? v : String(v);
}

/**
 * A v4 server context: keys by caption (unset keys absent, as Bubble omits them), and async thing/list
 * wrappers for currentUser.
 * @param {Record<string, string>} keys
 * @param {{ user?: Record<string, unknown> }} [opts]
 */
export function bubbleContext(keys, opts = {}) {
  const user = opts.user ?? { _id: '1700000000000x100000000000000001', email: 'builder@example.test' };
  return {
    keys: Object.freeze({ ...keys }),
    currentUser: thing(user),
    getThingById: async (/** @type {string} */ id) => (id === user._id ? thing(user) : null),
    getThingsById: async (/** @type {string[]} */ ids) => ids.filter((id) => id === user._id).map(() => thing(user)),
  };
}

/** @param {Record<string, unknown>} data */
function thing(data) {
  return {
    get: async (/** @type {string} */ field) => (Array.isArray(data[field]) ? list(/** @type {unknown[]} */ (data[field])) : data[field] ?? null),
    listProperties: () => Object.keys(data),
  };
}

/** @param {unknown[]} items */
function list(items) {
  return { length: async () => items.length, get: async (/** @type {number} */ start, /** @type {number} */ n) => items.slice(start, start + n) };
}

const TYPE_CHECKS = {
  text: (/** @type {unknown} */ v) => typeof v === 'string',
  number: (/** @type {unknown} */ v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (/** @type {unknown} */ v) => typeof v === 'boolean',
  date: (/** @type {unknown} */ v) => v instanceof Date && !Number.isNaN(v.getTime()),
};

/**
 * Calls the action as a Bubble workflow step would and checks the returned object against
 * return_value: only declared names, each null or of its declared type.
 * @param {LoadedAction} action
 * @param {Record<string, unknown>} props
 * @param {Record<string, string>} keys
 */
export async function callAction(action, props, keys) {
  const outputs = await action.run(bubbleProperties(action, props), bubbleContext(keys));
  if (!outputs || typeof outputs !== 'object') throw new HarnessError(`${action.id} returned no object`);
  const declared = new Map(Object.values(action.params.return_value).map((r) => [r.name, r]));
  for (const [k, v] of Object.entries(outputs)) {
    const r = declared.get(k);
    if (!r) throw new HarnessError(`${action.id} returned undeclared output "${k}"`);
    const check = TYPE_CHECKS[/** @type {keyof typeof TYPE_CHECKS} */ (r.value)];
    if (r.is_list && v !== null && !Array.isArray(v)) throw new HarnessError(`${action.id} output "${k}" is not a list`);
    for (const x of r.is_list && Array.isArray(v) ? v : [v]) {
      if (x !== null && check && !check(x)) throw new HarnessError(`${action.id} output "${k}" is not a ${r.value}${r.is_list ? ' list' : ''}`);
    }
  }
  return outputs;
}

/**
 * Outputs as JSON values (dates as ISO strings), the form the CLI prints.
 * @param {Record<string, unknown>} outputs
 */
export const toJsonOutputs = (outputs) => JSON.parse(JSON.stringify(outputs));

/**
 * Everything the plugin's bundles keep on the realm's shared globalThis (symbols named `bubble-secure-api/…`),
 * as text: what any other code in a warm Bubble server could read. Maps are listed, promises awaited,
 * functions (the cached action bundles) named only. Tests check it for tokens.
 */
export async function sharedStateText() {
  /** @param {unknown} v @param {number} depth @returns {Promise<unknown>} */
  const dump = async (v, depth) => {
    if (depth > 6) return '…';
    if (v instanceof Promise) return dump(await v.catch(() => 'rejected'), depth + 1);
    if (v instanceof Map) return Promise.all([...v].map(async ([k, x]) => [await dump(k, depth + 1), await dump(x, depth + 1)]));
    if (typeof v === 'function') return `function ${v.name}`;
    if (Array.isArray(v)) return Promise.all(v.map((x) => dump(x, depth + 1)));
    if (v && typeof v === 'object') {
      return Object.fromEntries(await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await dump(x, depth + 1)])));
    }
    return v;
  };
  const g = /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis));
  const ours = Object.getOwnPropertySymbols(g).filter((s) => s.description?.startsWith('bubble-secure-api/'));
  return JSON.stringify(await Promise.all(ours.map(async (s) => [s.description, await dump(g[s], 0)])));
}
