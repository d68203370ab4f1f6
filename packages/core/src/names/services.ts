import { FieldCursor, isCSpace, nssLines, strtou32 } from './cparse.js';

/** One line of /etc/services, as glibc's `getservent(3)` returns it. */
export interface ServiceEntry {
  /** Official service name. */
  name: string;
  /** Port number (host order, 0-65535). */
  port: number;
  /** Protocol name as written ("tcp", "udp", "sctp", ...), compared case-sensitively. */
  proto: string;
  /** Alias names. */
  aliases: string[];
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
  const out: ServiceEntry[] = [];
  for (const line of nssLines(text, '#')) {
    const c = new FieldCursor(line);
    const name = c.stringField(isCSpace, true);
    const r = strtou32(line, c.pos, 0);
    if (r === undefined) continue;
    let i = r.end;
    if (line[i] !== '/') continue;
    while (line[i] === '/') i++;
    c.pos = i;
    const proto = c.stringField(isCSpace, true);
    out.push({ name, port: r.value & 0xffff, proto, aliases: c.words() });
  }
  return out;
}
