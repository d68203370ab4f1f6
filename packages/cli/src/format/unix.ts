/**
 * The "Active UNIX domain sockets" table (netstat.c unix_do_one, unix_info).
 * Deviation: netstat reads the path with sscanf("%s") and so cuts it at the
 * first blank; we print the whole path (docs/compat.md).
 */
import { UNIX_FLAG_ACCEPTCON, UNIX_FLAG_NOSPACE, UNIX_FLAG_WAITDATA, type UnixSockets } from '@fastnetstat/core';
import { needsEscape, safeByteString, type Output } from '../output.js';
import { ownerText, title, type InetLayout } from './inet.js';
import { left } from './printf.js';

const TYPES: Record<number, string> = { 1: 'STREAM', 2: 'DGRAM', 3: 'RAW', 4: 'RDM', 5: 'SEQPACKET' };
const STATES = ['FREE', '', 'CONNECTING', 'CONNECTED', 'DISCONNECTING'];
const SS_UNCONNECTED = 1;

export type UnixLayout = Pick<InetLayout, 'all' | 'listening' | 'programs' | 'filtered'>;

export function unixHeading(layout: UnixLayout): string {
  let text = title('Active UNIX domain sockets ', layout);
  text += '\nProto RefCnt Flags       Type       State         I-Node  ';
  if (layout.programs) text += ` ${left('PID/Program name', 20)}`;
  return text + ' Path\n';
}

export function isShown(rows: UnixSockets, i: number, layout: UnixLayout): boolean {
  if (layout.all || layout.filtered) return true;
  const listening = rows.state(i) === SS_UNCONNECTED && (rows.flags(i) & UNIX_FLAG_ACCEPTCON) !== 0;
  return listening === layout.listening;
}

/** `[ ` + ACC / W / N + `]` for each combination of the three flags. */
const FLAG_TEXTS = Array.from({ length: 8 }, (_, bits) => {
  let text = '[ ';
  if (bits & 1) text += 'ACC ';
  if (bits & 2) text += 'W ';
  if (bits & 4) text += 'N ';
  return `${text}]`;
});

/** One row, newline included, straight into the output buffer. */
export function writeUnixRow(out: Output, rows: UnixSockets, i: number, layout: UnixLayout): void {
  const flags = rows.flags(i);
  const bits =
    (flags & UNIX_FLAG_ACCEPTCON ? 1 : 0) | (flags & UNIX_FLAG_WAITDATA ? 2 : 0) | (flags & UNIX_FLAG_NOSPACE ? 4 : 0);
  const state = rows.state(i);
  const stateText = state === SS_UNCONNECTED && bits & 1 ? 'LISTENING' : (STATES[state] ?? 'UNKNOWN');
  out.left(rows.protocol(i) === 0 ? 'unix' : '??', 5);
  out.byte(0x20);
  out.left(String(rows.refCount(i)), 6);
  out.byte(0x20);
  out.left(FLAG_TEXTS[bits]!, 11);
  out.byte(0x20);
  out.left(TYPES[rows.type(i)] ?? 'UNKNOWN', 10);
  out.byte(0x20);
  out.left(stateText, 13);
  out.byte(0x20);
  out.left(String(rows.inode(i)), 8);
  if (layout.programs) {
    out.byte(0x20);
    out.left(ownerText(rows.pid(i), rows.processNameBytes(i)), 20);
  }
  out.byte(0x20);
  const path = rows.pathBytes(i);
  if (path) {
    if (needsEscape(path)) out.write(safeByteString(path));
    else out.bytes(path);
  }
  out.byte(0x0a);
}
