/**
 * Multicast group memberships from /proc/net/igmp and /proc/net/igmp6, read
 * as net-tools netstat reads them, over one packed buffer from the native
 * core (crates/fastnetstat-node/src/wire_groups.rs: every offset here
 * mirrors it).
 *
 * ```ts
 * import { groups } from '@fastnetstat/core';
 * for (const g of (await groups()).memberships) console.log(g.interface, g.address, g.refCount);
 * ```
 *
 * @module
 */
import { awaitNative, callNative } from './errors.js';
import { inetNtoa, inetNtop6 } from './names/inet.js';
import { native } from './native.js';
import { checkProcRoot, decodeUtf8, reportError, stringBytes, type FileStatus, type ReportError } from './report.js';
import { checkWire, readReport } from './wire.js';

export interface GroupsOptions {
  /** Address families (default both): inet reads /proc/net/igmp, inet6 /proc/net/igmp6. */
  families?: readonly ('inet' | 'inet6')[];
  procRoot?: string;
  /**
   * A list an earlier call returned: parse on from the state netstat's
   * reader keeps between `-c` rounds (which misreads igmp after the first
   * round), for a byte-exact `netstat -gc`. The plain reading is the default.
   */
  continueFrom?: GroupList;
}

/** One membership. */
export interface GroupMembership {
  family: 'inet' | 'inet6';
  /** The interface name. */
  interface: string;
  address: string;
  refCount: number;
}

export interface GroupsReport extends ReportError {
  file: 'igmp' | 'igmp6';
  status: FileStatus;
  /** Lines netstat calls bogus. */
  bogusLines: number;
}

const MAGIC = 0x52474e46;
const VERSION = 1;
const HEADER = 80;
const EVENT = 40;

/** The result of one read: events in file order (rows and bogus lines). */
export class GroupList {
  /** @internal */ readonly view: DataView;
  /** @internal */ readonly bytes: Uint8Array;
  /** Rows and bogus-line events, in the order netstat meets them. */
  readonly length: number;
  readonly #at: number;
  readonly #stringsAt: number;

  /** @internal */
  constructor(buffer: Uint8Array) {
    this.view = checkWire(buffer, MAGIC, VERSION, HEADER);
    this.bytes = buffer;
    this.length = this.view.getUint32(8, true);
    this.#at = this.view.getUint32(12, true);
    this.#stringsAt = this.view.getUint32(16, true);
  }

  #e(i: number): number {
    return this.#at + i * EVENT;
  }
  #str(at: number): Uint8Array {
    return stringBytes(this.bytes, this.#stringsAt, this.view.getUint32(at, true), this.view.getUint32(at + 4, true));
  }
  /** True for a membership row, false for a bogus-line event. */
  isRow(i: number): boolean {
    return this.view.getUint8(this.#e(i)) === 0;
  }
  family(i: number): 4 | 6 {
    return this.view.getUint8(this.#e(i) + 1) === 6 ? 6 : 4;
  }
  /** For a bogus-line event: which file. */
  bogusFile(i: number): 'igmp' | 'igmp6' {
    return this.view.getUint8(this.#e(i) + 2) === 1 ? 'igmp6' : 'igmp';
  }
  /** For a bogus-line event: the word netstat's warning uses (the reader that failed, not always the file). */
  bogusParser(i: number): 'igmp' | 'igmp6' {
    return this.view.getUint8(this.#e(i) + 3) === 1 ? 'igmp6' : 'igmp';
  }
  /** For a bogus-line event: the line number netstat prints (0-based). */
  bogusLine(i: number): number {
    return this.view.getUint32(this.#e(i) + 4, true);
  }
  refCount(i: number): number {
    return this.view.getInt32(this.#e(i) + 4, true);
  }
  addressBytes(i: number): Uint8Array {
    const at = this.#e(i) + 8;
    return this.bytes.subarray(at, at + (this.family(i) === 4 ? 4 : 16));
  }
  /** The interface text netstat prints (IPv4: 10 bytes, blank-padded or cut). */
  deviceBytes(i: number): Uint8Array {
    return this.#str(this.#e(i) + 24);
  }
  nameBytes(i: number): Uint8Array {
    return this.#str(this.#e(i) + 32);
  }

  report(file: 'igmp' | 'igmp6'): GroupsReport {
    const r = readReport(this.view, file === 'igmp' ? 20 : 28);
    let bogus = 0;
    for (let i = 0; i < this.length; i++) if (!this.isRow(i) && this.bogusFile(i) === file) bogus++;
    return { file, status: r.status, ...reportError(r), bogusLines: bogus };
  }

  get reports(): GroupsReport[] {
    return (['igmp', 'igmp6'] as const).map((f) => this.report(f)).filter((r) => r.status !== 'not-requested');
  }

  /** The memberships (bogus lines left out). */
  get memberships(): GroupMembership[] {
    const out: GroupMembership[] = [];
    for (let i = 0; i < this.length; i++) {
      if (!this.isRow(i)) continue;
      const v4 = this.family(i) === 4;
      out.push({
        family: v4 ? 'inet' : 'inet6',
        interface: decodeUtf8(this.nameBytes(i)),
        address: v4 ? inetNtoa(this.addressBytes(i)) : inetNtop6(this.addressBytes(i)),
        refCount: this.refCount(i),
      });
    }
    return out;
  }

  toJSON(): unknown {
    return { memberships: this.memberships, reports: this.reports };
  }
}

function request(options: GroupsOptions) {
  checkProcRoot(options.procRoot);
  const families = options.families ?? ['inet', 'inet6'];
  return {
    procRoot: options.procRoot,
    inet: families.includes('inet'),
    inet6: families.includes('inet6'),
    previous: options.continueFrom ? Buffer.from(options.continueFrom.bytes) : undefined,
  };
}

/** Reads group memberships synchronously. */
export function groupsSync(options: GroupsOptions = {}): GroupList {
  const req = request(options);
  return new GroupList(callNative(() => native().listGroupsSync(req)));
}

/** Reads group memberships off the main thread. */
export async function groups(options: GroupsOptions = {}): Promise<GroupList> {
  const req = request(options);
  const buffer = await awaitNative(() => native().listGroups(req));
  return new GroupList(buffer);
}
