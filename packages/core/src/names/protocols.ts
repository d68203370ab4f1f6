import { FieldCursor, isCSpace, nssLines } from './cparse.js';

/** One line of /etc/protocols, as glibc's `getprotoent(3)` returns it. */
export interface ProtocolEntry {
  /** Official protocol name. */
  name: string;
  /**
   * Protocol number as glibc stores it in the `int p_proto`: parsed with
   * `strtoul(..., 10)` and clamped to 0xffffffff, then read as a signed int.
   */
  number: number;
  /** Alias names. */
  aliases: string[];
}

/**
 * Parses /etc/protocols text like glibc's files backend
 * (nss_files/files-proto.c): `name number [aliases...]`, `#` comments,
 * malformed lines skipped, file order kept.
 *
 * @param text the file decoded as latin1 (one char per byte)
 */
export function parseProtocols(text: string): ProtocolEntry[] {
  const out: ProtocolEntry[] = [];
  for (const line of nssLines(text, '#')) {
    const c = new FieldCursor(line);
    const name = c.stringField(isCSpace, true);
    const number = c.intField(isCSpace, true, 10);
    if (number === undefined) continue;
    out.push({ name, number: number | 0, aliases: c.words() });
  }
  return out;
}
