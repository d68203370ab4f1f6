import { inetNetwork, isCSpace, parseNssTable, type NssEntry } from './cparse.js';

/** One line of /etc/networks, as glibc's `getnetent(3)` returns it. */
export interface NetworkEntry extends NssEntry {
  /**
   * The network number in host order, as `getnetbyaddr(3)` compares it.
   * glibc pads the written number to four parts first, so "192.0.2" is
   * stored as 192.0.2.0 = 0xc0000200 (not as `inet_network("192.0.2")`,
   * which would be 0xc00002). A malformed number is 0xffffffff
   * (`INADDR_NONE`), and the entry is kept.
   */
  net: number;
}

/**
 * Parses /etc/networks text like glibc's files backend
 * (nss_files/files-network.c): `name number [aliases...]`, `#` comments;
 * the number gets ".0" parts appended until it has four, then goes through
 * `inet_network(3)`. File order kept.
 *
 * @param text the file decoded as latin1 (one char per byte)
 */
export function parseNetworks(text: string): NetworkEntry[] {
  return parseNssTable(text, (c) => {
    let addr = c.stringField(isCSpace, true);
    let parts = 1;
    for (let i = addr.indexOf('.'); i >= 0 && parts < 4; i = addr.indexOf('.', i + 1)) parts++;
    while (parts < 4) {
      addr += '.0';
      parts++;
    }
    return { net: inetNetwork(addr) };
  });
}
