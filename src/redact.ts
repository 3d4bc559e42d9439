/**
 * Finding secrets in text, in every form they may take there: raw, percent- and form-encoded, base64 and
 * base64url (also inside a longer base64 string, as in an `Authorization: Basic` header), JSON-escaped.
 * Pure functions: the adapters' redactor and the token-response checks share them.
 */

/** Shorter values are not treated as secrets: scrubbing them would corrupt ordinary words. */
export const MIN_SECRET_LENGTH = 6;
/** A run this long of any form of a secret counts as that secret (a cut-off prefix is still a leak). */
const RUN = 12;
/** Characters that never belong in a single-line output: controls, zero-width and bidi marks, unassigned. */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu;

export function removeNonPrintable(text: string): string {
  return text.replace(NON_PRINTABLE, '');
}

/** Every form of one secret worth searching for, longest first. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const percent = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  for (const f of [percent, percent.replace(/%20/g, '+'), form]) {
    forms.add(f);
    forms.add(f.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  }
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, '\\/'));
  for (const b of base64Cores(Buffer.from(secret, 'utf8'))) {
    forms.add(b);
    forms.add(b.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * The base64 characters that encode `bytes` whatever precedes them: at each of the three alignments, the
 * characters that mix in neighbouring bytes are dropped from both ends.
 */
function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const text = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').replace(/=+$/, '');
    const start = Math.ceil((shift * 8) / 6);
    const end = Math.floor(((shift + bytes.length) * 8) / 6);
    if (end - start >= MIN_SECRET_LENGTH) out.push(text.slice(start, end));
  }
  return out;
}

/** Replaces every form of every secret with `[redacted]`, then drops non-printable characters. */
/** Invisible characters but the layout ones (tab, line breaks): a body or a report keeps its lines. */
const INVISIBLE = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu;

export function scrubForms(text: string, forms: readonly string[]): string {
  const replaceForms = (t: string): string => forms.reduce((acc, f) => (acc.includes(f) ? acc.split(f).join('[redacted]') : acc), t);
  const out = replaceForms(text.replace(INVISIBLE, ''));
  // a secret split across lines is still found: then the layout goes too
  const flat = out.replace(/[\t\n\r]/g, '');
  return flat !== out && forms.some((f) => flat.includes(f)) ? replaceForms(flat) : out;
}

/** True when `text` holds a run of at least 12 characters of any form of any secret (or a whole short one). */
export function sharesSecret(text: string, secrets: readonly string[]): boolean {
  const clean = removeNonPrintable(text);
  const runs = new Set<string>();
  for (let i = 0; i + RUN <= clean.length; i++) runs.add(clean.slice(i, i + RUN));
  for (const s of secrets) {
    // every form is at least the secret's length less 2: in a text too short for a run, only short secrets fit
    if (s.length < MIN_SECRET_LENGTH || (runs.size === 0 && s.length - 2 > clean.length)) continue;
    for (const f of secretForms(s)) {
      if (f.length <= RUN) {
        if (clean.includes(f)) return true;
        continue;
      }
      for (let i = 0; runs.size > 0 && i + RUN <= f.length; i++) if (runs.has(f.slice(i, i + RUN))) return true;
    }
  }
  return false;
}
