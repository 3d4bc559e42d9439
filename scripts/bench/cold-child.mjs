// @ts-check
/**
 * One cold-start sample, run in a fresh process (Node 18 in the bench): reads a spec
 * { file, params?, props, keys }, prepares Bubble-shaped properties and context, then times
 * readFileSync of the action file + its evaluation as the harness does + the first call, and prints
 * { ms, status, node } as JSON on stdout.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { bubbleContext, bubbleProperties, evaluateServerJs } from '../lib/harness.mjs';

const specFile = process.argv[2];
if (!specFile) throw new Error('usage: cold-child.mjs <spec.json>');
/** @type {{ file: string, params?: string, props: Record<string, unknown>, keys: Record<string, string> }} */
const spec = JSON.parse(readFileSync(specFile, 'utf8'));
const properties = spec.params
  ? bubbleProperties(/** @type {any} */ ({ id: 'bench', params: JSON.parse(readFileSync(spec.params, 'utf8')) }), spec.props)
  : spec.props;
const context = bubbleContext(spec.keys);

const t0 = performance.now();
const text = readFileSync(spec.file, 'utf8');
const fn = evaluateServerJs(text, spec.file);
const out = await fn(properties, context);
const ms = performance.now() - t0;

process.stdout.write(`${JSON.stringify({ ms, status: out?.status ?? null, node: process.version })}\n`);
