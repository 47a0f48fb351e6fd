/**
 * Error classes. The split tells a user what to do: fix their input (ConfigError), look at a system or
 * network fault (SystemError), or accept that a model misbehaved (ModelError). `code` travels in bus headers.
 */
export class NanofluxError extends Error {
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options?.code ?? "NANOFLUX";
  }
}

/** The user's input is wrong: the message says which field and how to fix it. */
export class ConfigError extends NanofluxError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { code: "CONFIG", ...options });
  }
}

/** A server, the network or the machine failed. */
export class SystemError extends NanofluxError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { code: "SYSTEM", ...options });
  }
}

/** A model returned something unusable: garbage, a refusal, a truncated or schema-violating answer. */
export class ModelError extends NanofluxError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { code: "MODEL", ...options });
  }
}

/** A budget (tokens or money) ran out: the run stops cleanly. */
export class BudgetExceededError extends NanofluxError {
  constructor(message: string) {
    super(message, { code: "BUDGET" });
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
