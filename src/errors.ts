/**
 * Typed errors with stable codes. Every failure the workflow can act on is a PluginError whose code is in
 * the catalogue (src/error-codes.ts), which also fixes the Bubble `status` it maps to; messages are written
 * for builders and never carry a secret value.
 */
import { ERROR_CODES, type ErrorCode, type FailureStatus } from './error-codes.ts';

export type Status = 'ok' | FailureStatus;

export class PluginError extends Error {
  override readonly name: string = 'PluginError';
  readonly status: FailureStatus;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** seconds the provider asked us to wait (429 / 503 Retry-After) */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.status = ERROR_CODES[code];
  }
}

/** A connection setting or plugin key is missing or wrong: names the field, never its value. */
export class ConfigError extends PluginError {
  override readonly name = 'ConfigError';
}

/** A sealed grant or sealed state that cannot be opened or does not belong to this call. */
export class GrantError extends PluginError {
  override readonly name = 'GrantError';
}

/** The provider or the network failed; the caller keeps what it had. */
export class ProviderError extends PluginError {
  override readonly name = 'ProviderError';
}

/** The caller's input is refused (bad field value, binding mismatch, disallowed target). */
export class InputError extends PluginError {
  override readonly name = 'InputError';
}
