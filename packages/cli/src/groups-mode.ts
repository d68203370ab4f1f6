/**
 * netstat -g: multicast group memberships. netstat prints them inside its
 * socket loop, after the raw sockets (sockets-mode.ts calls printGroups), so
 * -g combines with socket options and repeats with -c.
 */
import { groups, inetNtoa, inetNtop6, type GroupList } from '@fastnetstat/core';
import { bogusLine, groupAddresses, groupRow, GROUPS_HEADING } from './format/groups.js';
import { NetstatNames } from './netstat-names.js';
import type { NetstatFlags } from './options.js';
import { stdout, warn } from './output.js';
import { groupFamiliesOf, type Selection } from './selection.js';

/**
 * What netstat's igmp_do_one left behind in the last round: its parse state
 * carries over to the next -c round (and misreads /proc/net/igmp there, as
 * netstat does).
 */
let previous: GroupList | undefined;

/** Prints the group table; returns netstat's status for it (0, 1, -1). */
export async function printGroups(flags: NetstatFlags, sel: Selection): Promise<number> {
  stdout.write(GROUPS_HEADING);
  const root = flags.procRoot ?? '/proc';
  const list = await groups({ families: groupFamiliesOf(sel), procRoot: flags.procRoot, continueFrom: previous });
  previous = list;
  const igmp = list.report('igmp');
  let status = 0;
  // INFO_GUTS1: a missing (or unreadable) igmp is worth a message and status 1,
  // unless only an address family was named (-4, -A inet: flag_noprot); other
  // errors end the listing. A missing igmp6 is skipped silently.
  const unavailable = igmp.status === 'missing' || (igmp.status === 'failed' && igmp.error === 'EACCES');
  if (sel.inet && igmp.status === 'failed' && !unavailable) {
    warn(`${root}/net/igmp: ${igmp.message}\n`);
    return -1;
  }
  if (sel.inet && unavailable && !sel.familyOnly) {
    warn("netstat: no support for `AF INET (igmp)' on this system.\n");
    status = 1;
  }
  const names = new NetstatNames({ numericHosts: flags.numericHosts });
  await names.prepare(groupAddresses(list));
  for (let i = 0; i < list.length; i++) {
    if (list.isRow(i)) stdout.write(groupRow(list, i, names));
    else warn(bogusLine(list, i));
  }
  return status;
}

/** The --json document of -g (one per round with -c): the plain reading, untruncated names. */
export async function groupsDocument(flags: NetstatFlags, sel: Selection): Promise<unknown> {
  const list = await groups({ families: groupFamiliesOf(sel), procRoot: flags.procRoot });
  const names = new NetstatNames({ numericHosts: flags.numericHosts });
  await names.prepare(groupAddresses(list));
  const memberships: unknown[] = [];
  for (let i = 0; i < list.length; i++) {
    if (!list.isRow(i)) continue;
    const family = list.family(i);
    const addr = list.addressBytes(i);
    const row: Record<string, unknown> = {
      family: family === 4 ? 'inet' : 'inet6',
      interface: Buffer.from(list.nameBytes(i)).toString('utf8'),
      address: family === 4 ? inetNtoa(addr) : inetNtop6(addr),
      refCount: list.refCount(i),
    };
    if (!flags.numericHosts) row.host = Buffer.from(names.host(family, addr), 'latin1').toString('utf8');
    memberships.push(row);
  }
  return { kind: 'groups', time: new Date().toISOString(), memberships, files: list.reports };
}
