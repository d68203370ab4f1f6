/**
 * The one error class `@fastnetstat/core` throws. `code` is stable and
 * errno-like (ENOENT, EACCES, EINVAL, ENOTSUP, ...), so callers can switch on
 * it; `message` is one line meant for people.
 */
export class FastnetstatError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FastnetstatError';
    this.code = code;
  }
}

/** Wraps whatever the native layer threw (its messages begin with `CODE: `). */
export function fromNative(error: unknown): FastnetstatError {
  if (error instanceof FastnetstatError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const match = /^([A-Z][A-Z0-9]+): (.*)$/s.exec(message);
  return match
    ? new FastnetstatError(match[1]!, match[2]!, { cause: error })
    : new FastnetstatError('EIO', message, { cause: error });
}

/** Makes a call into the native layer, turning what it throws into a {@link FastnetstatError}. */
export function callNative<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw fromNative(error);
  }
}

/** {@link callNative} for a call that answers off the main thread. */
export async function awaitNative<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromNative(error);
  }
}
