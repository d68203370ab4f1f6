/**
 * Reading the packed buffers of the small tables (routes, interfaces,
 * groups). The binding lays each out with `Buf::with_sections`
 * (crates/fastnetstat-node/src/wire_buf.rs): magic (u32 at 0), version (u16
 * at 4), then from byte 8 one u32 per section for its row count, one per
 * section for its offset, and one for where the string table starts; then
 * the rows, section after section; then the strings. Each table's
 * packer (wire_routes.rs, wire_interfaces.rs, wire_groups.rs) gives the
 * rest of its header and the offsets within its rows.
 * Internal to the package (not exported from its entry).
 */
import { inspect, type InspectOptionsStylized } from 'node:util';
import { checkWire, nested } from './wire.js';

/** A small table's buffer format: magic, version, header length and the row length of each section. */
export interface PackedFormat {
  magic: number;
  version: number;
  header: number;
  rows: readonly number[];
}

/** What the lists of routes, interfaces and group memberships share: their buffer's sections and strings. */
export abstract class PackedList {
  /** @internal */ readonly view: DataView;
  /** @internal */ readonly bytes: Uint8Array;
  /** The row count of each section, in the format's order. */
  protected readonly counts: readonly number[];
  readonly #starts: readonly number[];
  readonly #rows: readonly number[];
  readonly #stringsAt: number;

  /** @internal */
  constructor(buffer: Uint8Array, format: PackedFormat) {
    this.view = checkWire(buffer, format.magic, format.version, format.header);
    this.bytes = buffer;
    const sections = format.rows.length;
    const word = (k: number) => this.view.getUint32(8 + k * 4, true);
    this.counts = format.rows.map((_, k) => word(k));
    this.#starts = format.rows.map((_, k) => word(sections + k));
    this.#stringsAt = word(2 * sections);
    this.#rows = format.rows;
  }

  /** Where row `i` of a section starts. */
  protected rowAt(section: number, i: number): number {
    return this.#starts[section]! + i * this.#rows[section]!;
  }

  /** `length` bytes from `at`, without copying. */
  protected slice(at: number, length: number): Uint8Array {
    return this.bytes.subarray(at, at + length);
  }

  /** The decoded rows and reports. */
  abstract toJSON(): unknown;

  /** Printed by console.log / util.inspect as its decoded data (its toJSON view), not as the packed buffer. */
  [inspect.custom](_depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    return `${this.constructor.name} ${show(this.toJSON(), nested(options))}`;
  }

  /** The string whose (u32 offset, u32 or u16 length) stand at `at`, as bytes of the string table. */
  protected string(at: number, lengthBytes: 2 | 4 = 4): Uint8Array {
    const offset = this.view.getUint32(at, true);
    const length = lengthBytes === 4 ? this.view.getUint32(at + 4, true) : this.view.getUint16(at + 4, true);
    return this.slice(this.#stringsAt + offset, length);
  }
}
