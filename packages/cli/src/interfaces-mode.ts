/**
 * netstat -i: the interface table (netstat.c iface_info), or with -e
 * ifconfig's long form; -a adds interfaces that are down. With -c the
 * "Kernel Interface table" title is printed once and the rest every second.
 */
import { repeat } from './continuous.js';
import { errorMessage as strerror, interfaces, type InterfaceList } from '@fastnetstat/core';
import { longForm, shortRow, SHORT_HEADING } from './format/interfaces.js';
import type { NetstatFlags } from './options.js';
import { stdout, warn } from './output.js';

const IFF_UP = 1;

/** One round of iface_info; `first` prints the title (netstat prints it once). */
async function ifaceInfo(flags: NetstatFlags, first: boolean): Promise<number> {
  const root = flags.procRoot ?? '/proc';
  const long = flags.extend >= 2;
  const list = await interfaces({ procRoot: flags.procRoot, ipv6Addresses: long });
  if (list.socketErrno) {
    warn(`socket: ${strerror(list.socketErrno)}\n`);
    return 1;
  }
  if (first) stdout.write('Kernel Interface table\n');
  if (!long) stdout.write(SHORT_HEADING);
  // if_readlist's complaints
  const dev = list.report('dev');
  if (dev.status !== 'read') {
    const why = dev.status === 'missing' ? 'No such file or directory' : dev.message;
    warn(`Warning: cannot open ${root}/net/dev (${why}). Limited output.\n`);
  }
  if (list.ifconfErrno) warn(`SIOCGIFCONF: ${strerror(list.ifconfErrno)}\n`);
  if (dev.status !== 'read' && list.ifconfErrno) {
    warn(`missing interface information: ${strerror(list.ifconfErrno)}\n`);
    return 1;
  }
  for (let i = 0; i < list.length; i++) {
    const errno = list.fetchErrno(i);
    if (errno) {
      const name = Buffer.from(list.nameBytes(i)).toString('latin1');
      warn(`${name}: error fetching interface information: ${errno === 19 ? 'Device not found' : strerror(errno)}\n`);
      warn(`missing interface information: ${strerror(errno)}\n`);
      return 1;
    }
    if (!(list.flags(i) & IFF_UP) && !flags.all) continue;
    stdout.write(long ? longForm(list, i) : shortRow(list, i));
  }
  return 0;
}

/** The --json document: the interfaces the text shows, untruncated. */
function interfacesDocument(list: InterfaceList, flags: NetstatFlags): unknown {
  const shown = list.interfaces.filter((f) => !f.error && (f.up || flags.all > 0));
  return {
    kind: 'interfaces',
    time: new Date().toISOString(),
    interfaces: shown.map(({ error: _error, ...f }) => f),
    files: list.reports,
  };
}

/** netstat -i (repeating every second with -c); returns the exit status. */
export async function runInterfaces(flags: NetstatFlags): Promise<number> {
  return repeat(flags.continuous > 0, async (first) => {
    if (!flags.json) return ifaceInfo(flags, first);
    const list = await interfaces({ procRoot: flags.procRoot });
    stdout.utf8(`${JSON.stringify(interfacesDocument(list, flags))}\n`);
    return 0;
  });
}
