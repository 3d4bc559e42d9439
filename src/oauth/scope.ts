/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) — no quotes, backslashes, spaces or controls. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Scope text as space-separated scope tokens, or undefined when it is not that (or is empty). */
export function normaliseScope(text: string): string | undefined {
  const tokens = text.trim().split(/[ \t]+/);
  return tokens.every((t) => SCOPE_TOKEN.test(t)) ? tokens.join(' ') : undefined;
}
