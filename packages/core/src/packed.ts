/**
 * Reading the packed buffers of the small tables (routes, interfaces,
 * groups). Their layouts are written once, in scripts/wire-layout.mjs
 * (`tables`); wire-tables.ts (generated from it) has each table's format and
 * one accessor per field. Every such buffer starts with magic (u32 at 0),
 * version (u16 at 4), then from byte 8 one u32 per section for its row count,
 * one per section for its offset, and one for where the string table starts
 * (`Buf::with_sections` in crates/fastnetstat-node/src/wire_buf.rs); then the
 * rows, section after section; then the strings.
 * Internal to the package (not exported from its entry).
 */
import { inspect, type InspectOptionsStylized } from 'node:util';
import { checkWire, nested } from './wire.js';
import type { PackedBytes } from './wire-tables.js';

/** A small table's buffer format: magic, version, header length and the row length of each section. */
export interface PackedFormat {
  magic: number;
  version: number;
  header: number;
  rows: readonly number[];
}

/** What the lists of routes, interfaces and group memberships share: their buffer's sections and strings. */
export abstract class PackedList implements PackedBytes {
  /** @internal */ readonly view: DataView;
  /** @internal */ readonly bytes: Uint8Array;
  /** @internal */ readonly stringsAt: number;
  /** The row count of each section, in the format's order. */
  protected readonly counts: readonly number[];
  readonly #starts: readonly number[];
  readonly #rows: readonly number[];

  /** @internal */
  constructor(buffer: Uint8Array, format: PackedFormat) {
    this.view = checkWire(buffer, format.magic, format.version, format.header);
    this.bytes = buffer;
    const sections = format.rows.length;
    const word = (k: number) => this.view.getUint32(8 + k * 4, true);
    this.counts = format.rows.map((_, k) => word(k));
    this.#starts = format.rows.map((_, k) => word(sections + k));
    this.stringsAt = word(2 * sections);
    this.#rows = format.rows;
  }

  /** Where row `i` of a section starts. */
  protected rowAt(section: number, i: number): number {
    return this.#starts[section]! + i * this.#rows[section]!;
  }

  /** The decoded rows and reports. */
  abstract toJSON(): unknown;

  /** Printed by console.log / util.inspect as its decoded data (its toJSON view), not as the packed buffer. */
  [inspect.custom](_depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    return `${this.constructor.name} ${show(this.toJSON(), nested(options))}`;
  }
}
