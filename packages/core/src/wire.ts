/**
 * The packed wire format produced by the native binding
 * (crates/fastnetstat-node/src/wire.rs): every offset here mirrors that file.
 * One buffer per call (or per chunk of a stream): header | inet rows | unix rows | owner rows | strings.
 * @internal
 */
export const MAGIC = 0x31534e46;
export const VERSION = 2;
export const HEADER_LEN = 128;
export const INET_ROW_LEN = 80;
export const UNIX_ROW_LEN = 40;
export const OWNER_ROW_LEN = 12;
export const REPORTS_AT = 40;
/** A stream chunk's table (0-7 inet, 8 unix; 0xff: a whole listing), then 1 if it ends the table. */
export const CHUNK_AT = 112;
export const NONE = 0xffffffff;

/** Offsets inside one inet row. */
export const Inet = {
  localAddr: 0,
  remoteAddr: 16,
  inode: 32,
  timerTicks: 40,
  rxQueue: 48,
  txQueue: 52,
  uid: 56,
  retransmits: 60,
  timeout: 64,
  owner: 68,
  localPort: 72,
  remotePort: 74,
  table: 76,
  state: 77,
  timerActive: 78,
} as const;

/** Offsets inside one unix row. */
export const Unix = {
  inode: 0,
  refcount: 8,
  flags: 12,
  protocol: 16,
  pathOffset: 20,
  pathLength: 24,
  owner: 28,
  type: 32,
  state: 34,
} as const;

/** Decodes the fixed header and gives typed access to the sections. */
export class WireView {
  readonly view: DataView;
  readonly bytes: Uint8Array;
  readonly inetCount: number;
  readonly unixCount: number;
  readonly ownerCount: number;
  readonly inetAt: number;
  readonly unixAt: number;
  readonly ownersAt: number;
  readonly stringsAt: number;
  readonly ownerAccess: number;
  /** For a stream chunk: its table (0-7 inet, 8 unix), else 0xff. */
  readonly chunkTable: number;
  readonly chunkIsLast: boolean;

  constructor(buffer: Uint8Array) {
    this.bytes = buffer;
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const v = this.view;
    if (buffer.byteLength < HEADER_LEN || v.getUint32(0, true) !== MAGIC || v.getUint16(4, true) !== VERSION) {
      throw new Error('EWIRE: the native addon and @fastnetstat/core disagree on the result format; reinstall fastnetstat');
    }
    this.ownerAccess = v.getUint8(6);
    this.inetCount = v.getUint32(8, true);
    this.unixCount = v.getUint32(12, true);
    this.ownerCount = v.getUint32(16, true);
    this.inetAt = v.getUint32(20, true);
    this.unixAt = v.getUint32(24, true);
    this.ownersAt = v.getUint32(28, true);
    this.stringsAt = v.getUint32(32, true);
    this.chunkTable = v.getUint8(CHUNK_AT);
    this.chunkIsLast = v.getUint8(CHUNK_AT + 1) === 1;
  }

  /** Status of table `i` (0-7 inet tables, 8 unix): [status, errno, bogusLines]. */
  report(i: number): [number, number, number] {
    const at = REPORTS_AT + i * 8;
    return [this.view.getUint8(at), this.view.getUint16(at + 2, true), this.view.getUint32(at + 4, true)];
  }

  /** Bytes of the string table at (offset, length), without copying. */
  string(offset: number, length: number): Uint8Array {
    const at = this.stringsAt + offset;
    return this.bytes.subarray(at, at + length);
  }

  ownerPid(index: number): number {
    return this.view.getUint32(this.ownersAt + index * OWNER_ROW_LEN, true);
  }

  ownerName(index: number): Uint8Array {
    const at = this.ownersAt + index * OWNER_ROW_LEN;
    return this.string(this.view.getUint32(at + 4, true), this.view.getUint32(at + 8, true));
  }
}
