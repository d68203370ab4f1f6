/**
 * Pieces shared by the route, interface and group readers: the proc-root
 * check, errno names and the 8-byte table reports of their wire formats.
 * @internal
 */
import { statSync } from 'node:fs';
import { FastnetstatError } from './errors.js';

/** How reading one kernel file went. */
export type FileStatus = 'not-requested' | 'read' | 'missing' | 'failed';
const FILE_STATUS: readonly FileStatus[] = ['not-requested', 'read', 'missing', 'failed'];

const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 5: 'EIO', 6: 'ENXIO', 13: 'EACCES', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL',
  25: 'ENOTTY', 95: 'EOPNOTSUPP', 97: 'EAFNOSUPPORT', 99: 'EADDRNOTAVAIL',
};

/** The errno name of a number (E<number> when unknown). */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `E${errno}`;
}

/** A proc root that is not a directory is a mistake worth naming. */
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

/** One 8-byte report: status, detail byte, errno, count. */
export interface RawReport {
  status: FileStatus;
  detail: number;
  errno: number;
  count: number;
}

export function readReport(view: DataView, at: number): RawReport {
  return {
    status: FILE_STATUS[view.getUint8(at)] ?? 'failed',
    detail: view.getUint8(at + 1),
    errno: view.getUint16(at + 2, true),
    count: view.getUint32(at + 4, true),
  };
}

/** Checks magic and version; the same one-line error as the socket decoder. */
export function checkWire(buffer: Uint8Array, magic: number, version: number, headerLength: number): DataView {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer.byteLength < headerLength || view.getUint32(0, true) !== magic || view.getUint16(4, true) !== version) {
    throw new FastnetstatError('EWIRE', 'the native addon and @fastnetstat/core disagree on the result format; reinstall fastnetstat');
  }
  return view;
}

const utf8 = new TextDecoder('utf-8');

/** Bytes of the string table as a view. */
export function stringBytes(bytes: Uint8Array, stringsAt: number, offset: number, length: number): Uint8Array {
  return bytes.subarray(stringsAt + offset, stringsAt + offset + length);
}

/** Names from the kernel are bytes; decode as UTF-8 for people. */
export function decodeUtf8(b: Uint8Array): string {
  return utf8.decode(b);
}

/** One char per byte, for output that must match a C program's. */
export function decodeLatin1(b: Uint8Array): string {
  // (TextDecoder's 'latin1' is windows-1252, which changes 0x80-0x9f.)
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}
