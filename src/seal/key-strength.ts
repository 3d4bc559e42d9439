/**
 * Sealing-key strength (DESIGN §3 "Sealing key"): accept what random generators print, refuse what people make.
 *
 * The test is compression. describe() is a prefix code: at each step the probabilities of all possible next tokens
 * (kind × parameters) sum to ≤ 1, so by Kraft's inequality at most 2^b strings of a given length and alphabet have a
 * description of ≤ b bits. A key printed from N random bytes is uniform over 2^(8N) texts, so it is described in
 * ≤ 8N − MARGIN bits with probability ≤ 2^(8N − MARGIN) / 2^(8N) = 2^-MARGIN, for every encoding and length. We
 * describe the text and the decoded bytes: false refusal ≤ 2 · 2^-32 ≈ 4.7e-10 per key (< 1e-9; measured on 600,000
 * random keys: at most 10 bits saved). People's keys are cheap to describe: English ~4 bits a letter instead of 6, a
 * listed word, walk, sequence or repeat ~20 bits in all, an encoded passphrase ≤ 6.7 bits a byte instead of 8; the
 * weak keys in the tests save 41 to 290 bits.
 */
export type KeyVerdict =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'format' | 'short' | 'guessable' };

export const MIN_KEY_BYTES = 32;

const lg = Math.log2;
/** refusal margin in bits (see above) */
const MARGIN = 32;
/** longest prefix analysed (symbols or bytes): a prefix of a random key is random too, and it bounds the work */
const CAP = 256;
/** bits to code a token length L ≥ 1: 2·lg L + 1 (Σ 2^-bits = π²/12 < 1) */
const LEN: number[] = [];
for (let L = 0; L <= CAP; L++) LEN.push(2 * lg(L) + 1);
/** a literal symbol has probability 7/8, each of the four pattern kinds 1/32 */
const LIT = lg(8 / 7), TYPE = 5;

// Words and keyboard walks: any substring (≥ 2 chars) of these, forwards or backwards, in lower / UPPER /
// Capitalized case, is one token coded uniformly over that set. They are searched in one string (joined by a
// character no key text or byte string holds), so nothing is built at load time: cold starts pay for nothing.
// The set's size is bounded by Σ L(L−1)/2 over the entries; a bound above the true size only raises the cost.
const ENTRIES = ('1234567890qwertyuiopasdfghjklzxcvbnm 1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p my bubble app sealing ' +
  'key secret production prod dev test admin password token oauth api plugin client private secure access random ' +
  'default super master letmein correct horse battery staple').split(' ').flatMap((w) => [w, [...w].reverse().join('')]);
const WORDS = ENTRIES.join('\u0100');
const SUBBITS = TYPE + lg(ENTRIES.reduce((n, w) => n + (w.length * (w.length - 1)) / 2, 0) * 3);

// English letter bigrams, for words not listed above: cost of the next letter after [a..z, start of word], from the
// distinct words of English prose (README and licence texts; add-0.2 smoothing), −lg p rounded to 3/5/7/9 bits and
// packed 4 per byte. LC renormalises each context so that its probabilities sum to exactly 1.
const BG = Buffer.from('R9stcRPpjsqP4zjJ39w8Xc8n/Y6GzuZ4ne4Z1X5hQmvOD8+3PNbfrBw81ZPoy8/PmnyW30XVb0EHt8vO37u8yP2p5GzXR+6Nhs7y+JXPtPy8Cd/930Ccuvlg71aqblAT1M7KxuM01e+qqmqqqqiKhc5ZeJTenXhsSg/8zo7D9zzU3pXZLWED/8/Oz/u96uv8LGzDg//fyMfv8/NvlJlsEUvuiYqGpqqqVkRVaRVC1Q8=', 'base64');
const LC: number[] = [];
for (let p = 0; p < 702; p += 26) {
  const q = (c: number): number => 3 + 2 * ((BG[(p + c) >> 2]! >> (((p + c) & 3) * 2)) & 3);
  let t = 0;
  for (let c = 0; c < 26; c++) t += 2 ** -q(c);
  for (let c = 0; c < 26; c++) LC.push(q(c) + lg(t));
}
// A text run is coded adaptively (Dirichlet estimator: p = (count + prior) / (total + Σ priors), counted as the run
// goes), so it learns its own style (lowercase, CamelCase, UPPER, dash- or digit-separated) for ~½·lg n bits per
// parameter. Counts: class [separator, letter, digit] after [start/separator, letter, digit]; then case
// [lower, upper] at [start, after lower, after upper].
const PRIOR = new Float64Array([0.05, 8, 0.1, 0.15, 3, 0.05, 0.2, 0.5, 2, 0.7, 1.4, 5.6, 1.2, 0.5, 0.1]);
const CNT = new Float64Array(15), SEEN = new Uint8Array(256);

/**
 * Bits to describe s, a string of `bits`-bit symbols, with tokens: literal, listed word/walk, arithmetic sequence
 * of symbol codes, copy of earlier text, text run. Dynamic programming finds the cheapest parse; shortcuts that
 * skip parses only make the estimate larger, never the bound weaker.
 */
function describe(s: string, bits: number): number {
  const n = s.length, low = s.toLowerCase(), a: number[] = [], best: number[] = [];
  for (let i = 0; i <= n; i++) a.push(s.charCodeAt(i)), best.push(i ? Infinity : 0);
  for (let i = 0; i < n; i++) {
    const b = best[i]!, relax = (j: number, c: number): void => { if (b + c < best[j]!) best[j] = b + c; };
    relax(i + 1, LIT + bits);
    for (let L = 2; i + L <= n; L++) {
      const w = low.slice(i, i + L), o = s.slice(i, i + L);
      if (!WORDS.includes(w)) break;
      if (o === w || o === w.toUpperCase() || o === w[0]!.toUpperCase() + w.slice(1)) relax(i + L, SUBBITS);
    }
    // abc…, 0123…, bytes 0,1,2… or 255,254…: first symbol, step (mod 256), length
    for (let L = 2; i + L <= n && (L < 3 || ((a[i + L - 1]! - a[i + L - 2]! - a[i + 1]! + a[i]!) & 255) === 0); L++) {
      relax(i + L, TYPE + bits + 8 + LEN[L]!);
    }
    // copy from distance d ≤ i, overlap allowed ("aaaa", "abcabcabc"): distance, length
    for (let d = 1, r = TYPE + lg(i); d <= i; d++) {
      for (let L = 0; a[i + L] === a[i + L - d]; ) if (++L > 1) relax(i + L, r + LEN[L]!);
    }
    // text run: letters (case, then bigram; a CamelCase capital starts a word), digits, separators ' - . _'
    CNT.set(PRIOR);
    const ad = (o: number, x: number, k: number): number => {
      let t = 0;
      for (let j = 0; j < k; j++) t += CNT[o + j]!;
      return CNT[o + x]!++ / t;
    };
    let c = TYPE, pc = 0, pl = 26, pu = 0;
    for (let k = i; k < n; k++) {
      const x = a[k]!, y = low.charCodeAt(k) - 97;
      let cls = 0, p = 1;
      if (y >= 0 && y < 26) {
        const U = x !== y + 97 ? 1 : 0, cc = pc === 1 ? pu + 1 : 0;
        c += LC[((cc === 1 && U) || !cc ? 26 : pl) * 26 + y]!; p = ad(9 + cc * 2, U, 2);
        pu = U; pl = y; cls = 1;
      } else if (x > 47 && x < 58) {
        c += lg(10); cls = 2;
      } else if (x === 32 || x === 45 || x === 46 || x === 95) c += 2;
      else break;
      c -= lg(p * ad(pc * 3, cls, 3)); pc = cls;
      if (c > (k - i) * bits + 16) break; // not text
      relax(k + 1, c + LEN[k - i + 1]!);
    }
  }
  // Whole-string alternatives, lg 3 bits to choose: the parse; "k distinct symbols" (k, which, each in lg k bits);
  // for bytes, "printable ASCII, rare exceptions" (an encoded passphrase).
  let k = 0, few = bits, print = 0;
  SEEN.fill(0);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    if (!SEEN[x]!++) few += lg((2 ** bits - k) / ++k);
    print += bits < 8 ? Infinity : (x > 31 && x < 127) || x === 9 || x === 10 || x === 13 ? lg(98 * 32 / 31) : lg(158 * 32);
  }
  return lg(3) + Math.min(best[n]!, few + n * lg(k), print);
}

/**
 * Decodes and judges a sealing key text (already trimmed of surrounding whitespace). Hex when the whole text is hex
 * of even length ≥ 64 (a random base64 key of ≥ 64 chars is all hex digits with probability < (22/64)^64 < 1e-29),
 * else base64 or base64url, padding optional.
 */
export function judgeSealingKey(text: string): KeyVerdict {
  const t = text.replace(/\r?\n/g, ''); // openssl wraps base64 at 64 chars
  let bytes: Buffer, chars: string, bits: number;
  if (/^[\da-f]+$/i.test(t) && t.length % 2 === 0 && t.length >= 64) {
    bytes = Buffer.from(t, 'hex'); chars = t.toLowerCase(); bits = 4;
  } else {
    chars = t.replace(/={1,2}$/, '');
    if (!chars || !/^([\w-]*|[A-Za-z\d+/]*)$/.test(chars) || chars.length % 4 === 1 || (chars !== t && t.length % 4 > 0)) {
      return { ok: false, reason: 'format' };
    }
    bytes = Buffer.from(chars, 'base64'); bits = 6;
  }
  if (bytes.length < MIN_KEY_BYTES) return { ok: false, reason: 'short' };
  const N = Math.min(bytes.length, CAP);
  if (describe(chars.slice(0, CAP), bits) < (chars.length > CAP ? CAP * bits : 8 * bytes.length) - MARGIN ||
    describe(bytes.subarray(0, N).toString('latin1'), 8) < 8 * N - MARGIN) {
    return { ok: false, reason: 'guessable' };
  }
  return { ok: true, bytes: new Uint8Array(bytes) };
}
