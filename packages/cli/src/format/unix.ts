/**
 * The "Active UNIX domain sockets" table (netstat.c unix_do_one, unix_info).
 * Deviation: netstat reads the path with sscanf("%s") and so cuts it at the
 * first blank; we print the whole path (docs/compat.md).
 */
import { UNIX_FLAG_ACCEPTCON, UNIX_FLAG_NOSPACE, UNIX_FLAG_WAITDATA, type UnixSockets } from '@fastnetstat/core';
import { safeByteString } from '../output.js';
import { ownerText, title, type InetLayout } from './inet.js';
import { left } from './printf.js';

const TYPES: Record<number, string> = { 1: 'STREAM', 2: 'DGRAM', 3: 'RAW', 4: 'RDM', 5: 'SEQPACKET' };
const STATES = ['FREE', '', 'CONNECTING', 'CONNECTED', 'DISCONNECTING'];
const SS_UNCONNECTED = 1;

export type UnixLayout = Pick<InetLayout, 'all' | 'listening' | 'programs'>;

export function unixHeading(layout: UnixLayout): string {
  let text = title('Active UNIX domain sockets ', layout);
  text += '\nProto RefCnt Flags       Type       State         I-Node  ';
  if (layout.programs) text += ` ${left('PID/Program name', 20)}`;
  return text + ' Path\n';
}

export function isShown(rows: UnixSockets, i: number, layout: UnixLayout): boolean {
  if (layout.all) return true;
  const listening = rows.state(i) === SS_UNCONNECTED && (rows.flags(i) & UNIX_FLAG_ACCEPTCON) !== 0;
  return listening === layout.listening;
}

export function unixRow(rows: UnixSockets, i: number, layout: UnixLayout): string {
  const flags = rows.flags(i);
  let flagText = '[ ';
  if (flags & UNIX_FLAG_ACCEPTCON) flagText += 'ACC ';
  if (flags & UNIX_FLAG_WAITDATA) flagText += 'W ';
  if (flags & UNIX_FLAG_NOSPACE) flagText += 'N ';
  flagText += ']';
  const state = rows.state(i);
  let stateText = STATES[state] ?? 'UNKNOWN';
  if (state === SS_UNCONNECTED && flags & UNIX_FLAG_ACCEPTCON) stateText = 'LISTENING';
  let text =
    `${left(rows.protocol(i) === 0 ? 'unix' : '??', 5)} ${left(String(rows.refCount(i)), 6)} ${left(flagText, 11)} ` +
    `${left(TYPES[rows.type(i)] ?? 'UNKNOWN', 10)} ${left(stateText, 13)} ${left(String(rows.inode(i)), 8)}`;
  if (layout.programs) text += ` ${left(ownerText(rows.pid(i), rows.processNameBytes(i)), 20)}`;
  const path = rows.pathBytes(i);
  return `${text} ${path ? safeByteString(path) : ''}\n`;
}
