import type { NetstatFlags } from './options.js';
import { warn } from './output.js';

/** netstat's statistics mode (to be written: issue 3). */
export async function runStatistics(flags: NetstatFlags): Promise<number> {
  void flags;
  warn('fastnetstat: this mode is not implemented yet.\n');
  return 1;
}
