/**
 * Reading the packed socket buffers the native binding makes
 * (crates/fastnetstat-node/src/wire.rs): the header, the owner and string
 * tables, and what every row collection shares. Offsets come from
 * wire-layout.ts and the column accessors from wire-rows.ts, both generated
 * from scripts/wire-layout.mjs.
 * One buffer per call (or per chunk of a stream): header | inet rows | unix rows | owner rows | strings.
 * Internal to the package (not exported from its entry).
 */
import { inspect, type InspectOptionsStylized } from 'node:util';
import { FastnetstatError } from './errors.js';
import type { ContainerRef, LabelContext, NetnsRef, PodRef, RowLabels } from './labels.js';
import { Header, HEADER_LEN, INET_LEN, MAGIC, NONE, Owner, OWNER_LEN, REPORT_LEN, Report, VERSION } from './wire-layout.js';

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
  /** Where the rows' labels come from, when the listing gathered them. */
  labels: LabelContext | undefined;
  /** The details section (tcp_info, memory; details.ts): its records and where they start. */
  readonly detailsCount: number;
  readonly detailsAt: number;
  /** Which details the listing asked for (details.ts ASKED_* bits): rows then show them. */
  detailsAsked = 0;
  /** Congestion algorithm names decoded, by string-table offset. */
  readonly congestionNames = new Map<number, string>();

  /**
   * `window` narrows a whole listing to one table's rows (a table's inet rows
   * are contiguous): the view then reads like a stream chunk of that table.
   */
  constructor(buffer: Uint8Array, window?: { table: number; first: number; count: number }) {
    this.bytes = buffer;
    this.view = checkWire(buffer, MAGIC, VERSION, HEADER_LEN);
    const v = this.view;
    this.ownerAccess = v.getUint8(Header.ownerAccess);
    this.inetCount = v.getUint32(Header.inetCount, true);
    this.unixCount = v.getUint32(Header.unixCount, true);
    this.ownerCount = v.getUint32(Header.ownerCount, true);
    this.inetAt = v.getUint32(Header.inetAt, true);
    this.unixAt = v.getUint32(Header.unixAt, true);
    this.ownersAt = v.getUint32(Header.ownersAt, true);
    this.stringsAt = v.getUint32(Header.stringsAt, true);
    this.chunkTable = v.getUint8(Header.chunkTable);
    this.chunkIsLast = v.getUint8(Header.chunkLast) === 1;
    this.detailsCount = v.getUint32(Header.detailsCount, true);
    this.detailsAt = v.getUint32(Header.detailsAt, true);
    if (window) {
      const unix = window.table === 8;
      this.inetAt += unix ? 0 : window.first * INET_LEN;
      this.inetCount = unix ? 0 : window.count;
      if (!unix) this.unixCount = 0;
      this.chunkTable = window.table;
      this.chunkIsLast = true;
    }
  }

  /** The report of table `i` (0-7 inet tables, 8 unix). */
  report(i: number): RawReport {
    return readReport(this.view, Header.reports + i * REPORT_LEN);
  }

  /** Bytes of the string table at (offset, length), without copying. */
  string(offset: number, length: number): Uint8Array {
    const at = this.stringsAt + offset;
    return this.bytes.subarray(at, at + length);
  }

  ownerPid(index: number): number {
    return this.view.getUint32(this.ownersAt + index * OWNER_LEN + Owner.pid, true);
  }

  ownerName(index: number): Uint8Array {
    const at = this.ownersAt + index * OWNER_LEN;
    return this.string(this.view.getUint32(at + Owner.nameOffset, true), this.view.getUint32(at + Owner.nameLength, true));
  }
}

/** Checks magic and version: a buffer from another build's layout is refused with one line. */
export function checkWire(buffer: Uint8Array, magic: number, version: number, headerLength: number): DataView {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer.byteLength < headerLength || view.getUint32(0, true) !== magic || view.getUint16(4, true) !== version) {
    throw new FastnetstatError('EWIRE', 'the native addon and @fastnetstat/core disagree on the result format; reinstall fastnetstat');
  }
  return view;
}

/** How reading one kernel file went. */
export type FileStatus = 'not-requested' | 'read' | 'missing' | 'failed';
const FILE_STATUS: readonly FileStatus[] = ['not-requested', 'read', 'missing', 'failed'];

/** One 8-byte report (layout in scripts/wire-layout.mjs): status, detail byte, errno, count. */
export interface RawReport {
  status: FileStatus;
  detail: number;
  errno: number;
  count: number;
}

export function readReport(view: DataView, at: number): RawReport {
  return {
    status: FILE_STATUS[view.getUint8(at + Report.status)] ?? 'failed',
    detail: view.getUint8(at + Report.detail),
    errno: view.getUint16(at + Report.errno, true),
    count: view.getUint32(at + Report.count, true),
  };
}

/** util.inspect options one level down (what a custom inspect passes on to what it shows). */
export function nested(options: InspectOptionsStylized): InspectOptionsStylized {
  return { ...options, depth: options.depth === null || options.depth === undefined ? options.depth : options.depth - 1 };
}

/**
 * What both socket row collections share: fixed-width rows in the packed
 * buffer, read by index, with an owner-table reference in each row.
 */
export abstract class PackedRows<Row extends { toJSON(): Record<string, unknown> }> implements Iterable<Row> {
  readonly length: number;
  protected readonly v: DataView;

  /** @internal */
  constructor(
    readonly wire: WireView,
    protected readonly base: number,
    private readonly rowLength: number,
    length: number,
    private readonly ownerField: number,
  ) {
    this.length = length;
    this.v = wire.view;
  }

  protected at_(i: number, field: number): number {
    return this.base + i * this.rowLength + field;
  }
  /** Index of the owning process in the owner table, or -1. */
  ownerIndex(i: number): number {
    const o = this.v.getUint32(this.at_(i, this.ownerField), true);
    return o === NONE ? -1 : o;
  }
  pid(i: number): number | undefined {
    const o = this.ownerIndex(i);
    return o < 0 ? undefined : this.wire.ownerPid(o);
  }
  /** The program name's raw bytes (netstat's rule: argv[0], basename if absolute). */
  processNameBytes(i: number): Uint8Array | undefined {
    const o = this.ownerIndex(i);
    return o < 0 ? undefined : this.wire.ownerName(o);
  }

  /** The id of the cgroup row `i` was created in (inet rows read by netlink; 0 unknown). */
  cgroupIdOf(_i: number): number {
    return 0;
  }

  protected abstract row(i: number): Row;

  at(i: number): Row {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new FastnetstatError('EINVAL', `row ${i} out of range`);
    return this.row(i);
  }

  *[Symbol.iterator](): Iterator<Row> {
    for (let i = 0; i < this.length; i++) yield this.row(i);
  }

  toJSON(): unknown[] {
    return Array.from(this, (row) => row.toJSON());
  }

  /** Printed by console.log / util.inspect as its rows (as many as `maxArrayLength` shows). */
  [inspect.custom](_depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    const max = options.maxArrayLength ?? 100;
    const rows: unknown[] = [];
    for (let i = 0; i < Math.min(this.length, max); i++) rows.push(this.row(i));
    if (this.length > max) rows.push(`... ${this.length - max} more rows`);
    return `${this.constructor.name}(${this.length}) ${show(rows, nested(options))}`;
  }
}

const utf8 = new TextDecoder('utf-8');

/** What both socket rows share: where they are, their owner, and how they print. */
export abstract class SocketRow<Rows extends PackedRows<{ toJSON(): Record<string, unknown> }>> {
  /** @internal */
  constructor(
    protected readonly rows: Rows,
    readonly index: number,
  ) {}

  get pid(): number | undefined {
    return this.rows.pid(this.index);
  }
  /** The owning program's name (UTF-8 decoded; see processNameBytes for the exact bytes). */
  get processName(): string | undefined {
    const b = this.rows.processNameBytes(this.index);
    return b && utf8.decode(b);
  }
  get processNameBytes(): Uint8Array | undefined {
    return this.rows.processNameBytes(this.index);
  }

  /**
   * Where the socket lives: its network namespace, the cgroup it was created
   * in (inet sockets, from netlink) or else its owner's (with `processes`),
   * and that cgroup's container and pod. All null when the listing did not
   * gather labels (see `SocketsOptions.labels`).
   */
  get labels(): RowLabels {
    const context = this.rows.wire.labels;
    if (!context) return { netns: null, cgroup: null, container: null, pod: null };
    return context.table.of(context.netns, this.rows.cgroupIdOf(this.index), this.pid);
  }
  get netns(): NetnsRef | null {
    return this.rows.wire.labels?.netns ?? null;
  }
  get cgroup(): string | null {
    return this.labels.cgroup;
  }
  get container(): ContainerRef | null {
    return this.labels.container;
  }
  get pod(): PodRef | null {
    return this.labels.pod;
  }

  abstract toJSON(): Record<string, unknown>;
  /** The layout's fields that toJSON() shows (generated in wire-rows.ts). */
  protected abstract layoutFields(): Record<string, unknown>;
  /**
   * How every row's toJSON() ends: its owner, the layout's fields (a field added to the
   * layout with `row` shows up here; keys already given keep their place) and its labels.
   */
  protected ownerLayoutAndLabels(): Record<string, unknown> {
    return {
      pid: this.pid ?? null,
      processName: this.processName ?? null,
      ...this.layoutFields(),
      ...this.labels,
    };
  }

  /** Printed by console.log / util.inspect as its fields (its toJSON view), not as the packed buffer. */
  [inspect.custom](_depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    return `${this.constructor.name} ${show(this.toJSON(), nested(options))}`;
  }
}
