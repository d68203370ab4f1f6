/**
 * The multicast group table (netstat.c igmp_do_one and the heading printed
 * in its socket loop). Byte strings throughout (see output.ts).
 */
import type { GroupList } from '@fastnetstat/core';
import type { NetstatNames } from '../netstat-names.js';
import { byteString } from '../output.js';
import { left } from './printf.js';

export const GROUPS_HEADING =
  'IPv6/IPv4 Group Memberships\nInterface       RefCnt Group\n--------------- ------ ---------------------\n';

/** Every address the table will print, for one batch of name lookups. */
export function groupAddresses(list: GroupList): Array<{ family: 4 | 6; addr: Uint8Array }> {
  const out: Array<{ family: 4 | 6; addr: Uint8Array }> = [];
  for (let i = 0; i < list.length; i++) if (list.isRow(i)) out.push({ family: list.family(i), addr: list.addressBytes(i) });
  return out;
}

/** `%-15s %-6d %s`: one membership row, newline included. */
export function groupRow(list: GroupList, i: number, names: NetstatNames): string {
  const device = byteString(list.deviceBytes(i));
  return `${left(device, 15)} ${left(String(list.refCount(i)), 6)} ${names.host(list.family(i), list.addressBytes(i))}\n`;
}

/** The warning netstat prints for a line it cannot read. */
export function bogusLine(list: GroupList, i: number): string {
  return `warning, got bogus ${list.bogusParser(i)} line ${list.bogusLine(i)}.\n`;
}
