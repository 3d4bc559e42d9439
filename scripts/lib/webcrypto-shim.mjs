// Injected by esbuild into server bundles: jose calls the global `crypto` (Web Crypto), which Node 18
// only has behind a flag. esbuild rewrites each free `crypto` reference in the bundle to this binding,
// so the shim works without touching Bubble's shared globalThis.
import { webcrypto } from 'node:crypto';

export { webcrypto as crypto };
