/**
 * Pieces every reader shares: the proc-root check, the errno vocabulary
 * (names from Node's table, texts from the C library through the native
 * core) and the decoding of names from the string tables.
 * Internal to the package (not exported from its entry).
 */
import { statSync } from 'node:fs';
import { getSystemErrorName } from 'node:util';
import { FastnetstatError } from './errors.js';
import { native } from './native.js';
import type { FileStatus, RawReport } from './wire.js';

/**
 * The name of an errno number (`16` → `'EBUSY'`), from Node's errno table;
 * `E<number>` for a number it does not know.
 */
export function errnoName(errno: number): string {
  if (!Number.isInteger(errno) || errno <= 0) return `E${errno}`;
  const name = getSystemErrorName(-errno);
  return name.startsWith('Unknown') ? `E${errno}` : name;
}

const messages = new Map<number, string>();

/**
 * The C library's text for an errno number (`16` → `'Device or resource
 * busy'`), as strerror gives it and netstat prints it.
 */
export function errorMessage(errno: number): string {
  let text = messages.get(errno);
  if (text === undefined) {
    text = native().errorMessage(errno);
    messages.set(errno, text);
  }
  return text;
}

/** What the report of a file that could not be read says about why (set when its status is `failed`). */
export interface ReportError {
  /** errno name (`EACCES`). */
  error?: string;
  /** errno number (13). */
  errno?: number;
  /** strerror text of `errno` (`Permission denied`), as netstat prints it. */
  message?: string;
}

/** The error fields of a report: set when it failed, none otherwise. */
export function reportError(raw: Pick<RawReport, 'status' | 'errno'>): ReportError {
  return raw.status === 'failed' ? { error: errnoName(raw.errno), errno: raw.errno, message: errorMessage(raw.errno) } : {};
}

/** A proc root that is not a directory is a mistake worth naming, not an empty listing. */
export function checkProcRoot(procRoot: unknown): void {
  if (procRoot === undefined) return;
  if (typeof procRoot !== 'string' || procRoot === '') throw new FastnetstatError('EINVAL', 'procRoot must be a directory path');
  let isDirectory = false;
  try {
    isDirectory = statSync(procRoot).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new FastnetstatError(code, `proc root ${procRoot}: ${code === 'ENOENT' ? 'no such directory' : code}`);
  }
  if (!isDirectory) throw new FastnetstatError('ENOTDIR', `proc root ${procRoot}: not a directory`);
}

export type { FileStatus };

const utf8 = new TextDecoder('utf-8');

/** Bytes of the string table as a view. */
export function stringBytes(bytes: Uint8Array, stringsAt: number, offset: number, length: number): Uint8Array {
  return bytes.subarray(stringsAt + offset, stringsAt + offset + length);
}

/** Names from the kernel are bytes; decode as UTF-8 for people. */
export function decodeUtf8(b: Uint8Array): string {
  return utf8.decode(b);
}
