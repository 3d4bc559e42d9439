/**
 * Typed errors with stable codes. Every failure the workflow can act on is a PluginError; its class fixes the Bubble
 * `status` and accepts only the codes the catalogue (src/error-codes.ts) lists under that status, so code and status
 * cannot disagree — checked by the compiler, with no table in the action bundles. Messages are written for builders
 * and never carry a secret value.
 */
import type { CodeOf, ErrorCode, FailureStatus } from './error-codes.ts';

export type Status = 'ok' | FailureStatus;

export abstract class PluginError extends Error {
  override readonly name: string = 'PluginError';
  constructor(
    readonly status: FailureStatus,
    readonly code: ErrorCode,
    message: string,
    /** seconds the provider asked us to wait (429 / 503 Retry-After) */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** A connection setting or plugin key is missing or wrong: names the field, never its value. `misconfigured` */
export class ConfigError extends PluginError {
  override readonly name = 'ConfigError';
  constructor(code: CodeOf<'misconfigured'>, message: string) {
    super('misconfigured', code, message);
  }
}

/** The grant or the authorization is gone: the user must authorize again. `reauthorization_required` */
export class GrantError extends PluginError {
  override readonly name = 'GrantError';
  constructor(code: CodeOf<'reauthorization_required'>, message: string) {
    super('reauthorization_required', code, message);
  }
}

/** The provider or the network failed; the caller keeps what it had. `temporarily_unavailable` */
export class ProviderError extends PluginError {
  override readonly name = 'ProviderError';
  constructor(code: CodeOf<'temporarily_unavailable'>, message: string, retryAfter?: number) {
    super('temporarily_unavailable', code, message, retryAfter);
  }
}

/** The caller's input is refused (bad field value, binding mismatch, forged callback). `rejected` */
export class InputError extends PluginError {
  override readonly name = 'InputError';
  constructor(code: CodeOf<'rejected'>, message: string) {
    super('rejected', code, message);
  }
}
