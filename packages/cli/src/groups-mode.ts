import type { NetstatFlags } from './options.js';
import type { Selection } from './sockets-mode.js';
import { warn } from './output.js';

/** netstat -g: multicast group memberships, printed inside the socket loop (to be written: issue 3). */
export async function printGroups(flags: NetstatFlags, sel: Selection): Promise<number> {
  void flags;
  void sel;
  warn('fastnetstat: -g is not implemented yet.\n');
  return 1;
}
