import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Socket families netstat knows but fastnetstat does not list. Their /proc
 * files tell whether the running kernel has them at all, which decides what
 * netstat says about them.
 */
export type OtherFamily = 'sctp' | 'ipx' | 'ax25' | 'x25' | 'netrom' | 'rose' | 'masquerade';

const FILES: Record<OtherFamily, string[]> = {
  sctp: ['net/sctp/eps'],
  ipx: ['net/ipx/socket', 'net/ipx_socket'],
  ax25: ['net/ax25'],
  x25: ['net/x25'],
  netrom: ['net/nr'],
  rose: ['net/rose'],
  masquerade: ['net/ip_masquerade'],
};

/** Whether the kernel (under `procRoot`, default /proc) offers this family's table. */
export function kernelHasFamily(family: OtherFamily, options: { procRoot?: string } = {}): boolean {
  const root = options.procRoot ?? '/proc';
  return FILES[family].some((file) => existsSync(join(root, file)));
}
