import { isCSpace, parseNssTable, strtou32, type NssEntry } from './cparse.js';

/** One line of /etc/services, as glibc's `getservent(3)` returns it. */
export interface ServiceEntry extends NssEntry {
  /** Port number (host order, 0-65535). */
  port: number;
  /** Protocol name as written ("tcp", "udp", "sctp", ...), compared case-sensitively. */
  proto: string;
}

/**
 * Parses /etc/services text the way glibc's files backend does
 * (nss_files/files-service.c): `name port/proto [aliases...]`, `#` starts a
 * comment anywhere, the port goes through `strtoul(..., 0)` (so `0x50` and
 * `0120` are accepted; above 32 bits, or negative, rejects the line) and is
 * then truncated to 16 bits by `htons` (65617 is 81); one or more `/`
 * follow it; the protocol runs to the next white space and may be empty.
 * Malformed lines are skipped. Entries are returned in file order.
 *
 * @param text the file decoded as latin1 (one char per byte)
 */
export function parseServices(text: string): ServiceEntry[] {
  return parseNssTable(text, (c) => {
    const r = strtou32(c.line, c.pos, 0);
    if (r === undefined || c.line[r.end] !== '/') return undefined;
    c.pos = r.end;
    while (c.line[c.pos] === '/') c.pos++;
    return { port: r.value & 0xffff, proto: c.stringField(isCSpace, true) };
  });
}
