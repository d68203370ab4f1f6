import { isCSpace, parseNssTable, type NssEntry } from './cparse.js';

/** One line of /etc/protocols, as glibc's `getprotoent(3)` returns it. */
export interface ProtocolEntry extends NssEntry {
  /**
   * Protocol number as glibc stores it in the `int p_proto`: parsed with
   * `strtoul(..., 10)` and clamped to 0xffffffff, then read as a signed int.
   */
  number: number;
}

/**
 * Parses /etc/protocols text like glibc's files backend
 * (nss_files/files-proto.c): `name number [aliases...]`, `#` comments,
 * malformed lines skipped, file order kept.
 *
 * @param text the file decoded as latin1 (one char per byte)
 */
export function parseProtocols(text: string): ProtocolEntry[] {
  return parseNssTable(text, (c) => {
    const number = c.intField(isCSpace, true, 10);
    return number === undefined ? undefined : { number: number | 0 };
  });
}
