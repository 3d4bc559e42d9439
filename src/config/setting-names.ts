/**
 * The message for an unknown setting name. A name is echoed only when it looks like a setting name
 * (lower-case words joined by `_`): a secret pasted where a name goes must not come back in an error.
 * The nearest known name is suggested either way — that reveals nothing.
 */
const PLAUSIBLE_NAME = /^[a-z]+(?:_[a-z]+)*$/;
const MAX_ECHO = 32;

export function describeUnknownSetting(name: string, where: string, known: readonly string[]): string {
  const shown = name.length <= MAX_ECHO && PLAUSIBLE_NAME.test(name) ? `"${name}" is not a known setting` : 'a setting name is not a known setting (not shown: it does not look like a setting name)';
  const near = nearest(name, known);
  return `${where}: ${shown}${near ? `; did you mean "${near}"?` : ''}`;
}

/** The known name within a small edit distance of `name` (case and separators ignored), if any. */
function nearest(name: string, known: readonly string[]): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const n = plain(name);
  if (n.length === 0 || n.length > 64) return undefined;
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(n, plain(k));
    if (d <= Math.max(1, Math.floor(k.length / 4)) && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

/** Levenshtein distance (two rows). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
