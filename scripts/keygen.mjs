// @ts-check
/** Prints a fresh sealing key: 32 random bytes, base64url. Paste it into the plugin key "Sealing key". */
import { randomBytes } from 'node:crypto';

process.stdout.write(`${randomBytes(32).toString('base64url')}\n`);
