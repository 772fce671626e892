/**
 * The closed catalogue of errors CreatorFlow reports. Each code has an HTTP status (used only at the
 * edge) and a message that says what to do. Expected outcomes (a duplicate webhook, an illegal
 * transition) are values, not errors; these are for requests and calls that cannot go on.
 */
export const ERROR_CATALOGUE = {
  CONFIG_INVALID: { status: 500, hint: 'Fix the named environment variable and start again.' },
  DATABASE_UNREACHABLE: { status: 503, hint: 'Check DATABASE_URL and that PostgreSQL is running.' },
  DATABASE_TOO_NEW: {
    status: 500,
    hint: 'This database was migrated by a newer CreatorFlow; upgrade the code.',
  },
  MIGRATION_EDITED: {
    status: 500,
    hint: 'An applied migration file was changed; restore it and add a new migration instead.',
  },
  DATA_DIR_LOCKED: { status: 500, hint: 'Stop the other process, or set CREATORFLOW_DATA_DIR elsewhere.' },
  UNAUTHORIZED: {
    status: 401,
    hint: 'Send Authorization: Bearer <CREATORFLOW_ADMIN_TOKEN or an API key from POST /api/keys>.',
  },
  FORBIDDEN: {
    status: 403,
    hint: "Your key's role may not do this; ask an admin for a key with the role it needs.",
  },
  BAD_SIGNATURE: { status: 401, hint: 'Sign the raw body with the app secret as the protocol says.' },
  BAD_REQUEST: { status: 400, hint: 'Fix the request body or parameters named in the message.' },
  NOT_FOUND: { status: 404, hint: 'Check the id in the path.' },
  CONFLICT: { status: 409, hint: 'The resource is not in a state that allows this; read it and try again.' },
  PAYLOAD_TOO_LARGE: { status: 413, hint: 'Send a smaller body.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, hint: 'Send Content-Type: application/json.' },
  RATE_LIMITED: { status: 429, hint: 'Slow down and retry after the indicated time.' },
  UPSTREAM_FAILED: { status: 502, hint: 'An outside service failed; CreatorFlow retries by itself.' },
  INTERNAL: { status: 500, hint: 'An unexpected error; the log has details.' },
} as const satisfies Record<string, { status: number; hint: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An error with a catalogue code; `details` are safe to show to the caller. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }

  /** The HTTP status this error maps to at the edge. */
  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }

  /** What the caller should do about it. */
  get hint(): string {
    return ERROR_CATALOGUE[this.code].hint;
  }
}

/** Narrows an unknown thrown value to an AppError, optionally of one code. */
export function isAppError(value: unknown, code?: ErrorCode): value is AppError {
  return value instanceof AppError && (code === undefined || value.code === code);
}

/** A readable one-line description of any thrown value, for logs and stored failure reasons. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
