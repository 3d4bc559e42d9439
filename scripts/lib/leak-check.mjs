// @ts-check
/**
 * The client leak check (DESIGN §6–7, issue #16): no file Bubble sends to a browser — element code, html headers,
 * client-side actions — may hold a private key's caption, crypto or jose code, a preset's token, authorization or
 * revocation endpoint, `client_secret`, or a canary the test run planted (LEAK_CANARIES, comma-separated).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Crypto and jose markers: names the element has no reason to spell. */
const CRYPTO = ['jose', 'crypto.subtle', 'webcrypto', 'node:crypto', 'createHmac', 'createHash', 'createCipheriv', 'createDecipheriv',
  'createPrivateKey', 'hkdf', 'A256GCM', 'CompactEncrypt', 'compactDecrypt', 'jwtVerify', 'importJWK', 'client_secret', 'private_key_jwk'];

/**
 * @typedef {{ what: string, test: (text: string) => boolean }} Forbidden
 * @param {{ secureCaptions: string[], endpoints: string[], canaries: string[] }} sources
 * @returns {Forbidden[]}
 */
export function forbiddenClientTexts({ secureCaptions, endpoints, canaries }) {
  const word = (/** @type {string} */ s) => new RegExp(`(?<![A-Za-z0-9_])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`);
  /** @type {Forbidden[]} */
  const out = [];
  for (const c of secureCaptions) {
    const re = word(c);
    out.push({ what: `the private key caption "${c}"`, test: (t) => re.test(t) });
  }
  for (const m of CRYPTO) {
    const lower = m.toLowerCase();
    out.push({ what: `crypto or secret code ("${m}")`, test: (t) => t.toLowerCase().includes(lower) });
  }
  for (const e of endpoints) {
    // the template itself, and its longest run without a placeholder (the part a bundle would carry)
    const run = e.replace(/^https:\/\//, '').split(/\{[a-z_]+\}/).sort((a, b) => b.length - a.length)[0] ?? '';
    out.push({ what: `a preset endpoint (${e})`, test: (t) => t.includes(e) || (run.length >= 12 && t.includes(run)) });
  }
  for (const c of canaries.filter(Boolean)) out.push({ what: 'a canary planted by the test run', test: (t) => t.includes(c) });
  return out;
}

/** Files under a built plugin that Bubble sends to browsers. @param {string} pluginDir @returns {{ path: string, text: string }[]} */
export function clientFiles(pluginDir) {
  /** @type {{ path: string, text: string }[]} */
  const files = [];
  const walk = (/** @type {string} */ dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(js|html)$/.test(name)) files.push({ path: relative(pluginDir, p), text: readFileSync(p, 'utf8') });
    }
  };
  const elements = join(pluginDir, 'elements');
  if (exists(elements)) walk(elements);
  const headers = join(pluginDir, 'html_headers.html');
  if (exists(headers)) files.push({ path: 'html_headers.html', text: readFileSync(headers, 'utf8') });
  const actions = join(pluginDir, 'actions');
  if (exists(actions)) {
    for (const a of readdirSync(actions)) {
      const params = JSON.parse(readFileSync(join(actions, a, 'params.json'), 'utf8'));
      if (params.type !== 'server_side') walk(join(actions, a));
    }
  }
  return files;
}

/** One problem line per file and forbidden text found. @param {{ path: string, text: string }[]} files @param {Forbidden[]} forbidden */
export function findClientLeaks(files, forbidden) {
  return files.flatMap((f) => forbidden.filter((x) => x.test(f.text)).map((x) => `${f.path} (sent to browsers) holds ${x.what}`));
}

/** @param {string} p */
function exists(p) {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}
