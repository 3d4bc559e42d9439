// @ts-check
/** Bubble's on-disk conventions (../shared/BUBBLE_FORMAT.md §1–2), shared by build.mjs and the harness. */

const TOKEN_ALPHABET = '0123456789abcdefghjkmnpqrtuvwxyz';

/**
 * The token Bubble appends to an ID in folder names: the ID's UTF-8 bits, MSB first, zero-padded to a
 * multiple of 5, each 5-bit group mapped through TOKEN_ALPHABET (AAC → 850m6).
 * @param {string} id
 */
export function bubbleToken(id) {
  let bits = '';
  for (const byte of new TextEncoder().encode(id)) bits += byte.toString(2).padStart(8, '0');
  bits = bits.padEnd(Math.ceil(bits.length / 5) * 5, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += TOKEN_ALPHABET[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

/** @param {string} id */
export const bubbleFolder = (id) => `${id}-${bubbleToken(id)}`;

/**
 * JSON the way Bubble writes it: keys sorted, 4-space indent, non-ASCII raw, no trailing newline.
 * @param {unknown} value
 */
export function bubbleJson(value) {
  return JSON.stringify(sortKeys(value), null, 4);
}

/** @param {unknown} v @returns {unknown} */
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(/** @type {Record<string, unknown>} */ (v)[k]);
    return out;
  }
  return v;
}

export const ID_PATTERN = /^[a-z][a-z0-9_]*$/;
