// @ts-check
/**
 * `npm run connections`: asks for a connection's mode and settings, checks them with the actions' own validation,
 * and prints the text to paste into the plugin key "Connections". Nothing is sent anywhere. Answers come from the
 * terminal, or one per line on stdin (scripts and tests).
 */
import { createInterface } from 'node:readline/promises';
import { importTs } from '../build.mjs';

const { QUESTIONS, isMode, answerValue, connectionsJson } = await importTs('src/tools/connection-builder.ts');
const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY ?? false });
const lines = rl[Symbol.asyncIterator]();
/** @param {string} prompt */
async function ask(prompt) {
  process.stdout.write(prompt);
  const next = await lines.next();
  if (next.done) return '';
  if (!process.stdin.isTTY) process.stdout.write('\n');
  return String(next.value);
}

const name = (await ask('Connection name [api]: ')).trim() || 'api';
const mode = (await ask(`Mode (${Object.keys(QUESTIONS).join(', ')}) [oauth_bearer]: `)).trim() || 'oauth_bearer';
if (!isMode(mode)) {
  console.error(`✗ "${mode}" is not a mode: use one of ${Object.keys(QUESTIONS).join(', ')}`);
  process.exit(1);
}
/** @type {Record<string, unknown>} */
const settings = mode === 'oauth_bearer' ? {} : { mode };
for (const q of QUESTIONS[mode]) {
  const text = await ask(`${q.setting} — ${q.hint}${q.required ? ' (required)' : ''}: `);
  if (text.trim() === '') continue;
  try {
    settings[q.setting] = answerValue(q, text);
  } catch {
    console.error(`✗ ${q.setting}: not valid JSON`);
    process.exit(1);
  }
}
rl.close();
try {
  const text = connectionsJson(name, settings);
  console.log('\n✓ checked as the actions check it. Paste this into the plugin key "Connections" (for several connections, merge the objects):\n');
  console.log(text);
} catch (e) {
  // the actions' own message: it names the setting, never its value
  console.error(`\n✗ ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
