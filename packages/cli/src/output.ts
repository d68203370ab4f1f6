import { writeSync } from 'node:fs';

const CHUNK = 1 << 18;
const SPACE = 0x20;

/**
 * Text output as bytes. Strings here are "byte strings": one char per byte
 * (latin1), so program names and paths that are not valid UTF-8 go out
 * exactly as the kernel gave them, and printf-style widths count bytes as
 * netstat's do. Bytes go straight into one large buffer, written when full:
 * a table of many rows makes no string per row.
 */
export class Output {
  private buffer = Buffer.allocUnsafe(CHUNK);
  private at = 0;

  constructor(private readonly fd: number) {}

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    this.flush();
    if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
  }

  write(text: string): void {
    const length = text.length;
    this.room(length);
    if (length > 48) {
      this.at += this.buffer.write(text, this.at, 'latin1');
      return;
    }
    // short texts (most of a table): a loop costs less than a call into C++
    const buffer = this.buffer;
    let at = this.at;
    for (let k = 0; k < length; k++) buffer[at++] = text.charCodeAt(k);
    this.at = at;
  }

  /** `%-Ns`: `text`, then blanks up to `width` columns. */
  left(text: string, width: number): void {
    this.write(text);
    if (text.length < width) this.spaces(width - text.length);
  }

  /** `%Nld`: a non-negative integer right-aligned in `width` columns. */
  right(value: number, width: number): void {
    let digits = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
    if (digits < width) this.spaces(width - digits);
    this.room(digits);
    let end = this.at + digits;
    this.at = end;
    let v = value;
    do {
      this.buffer[--end] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  spaces(count: number): void {
    this.room(count);
    const buffer = this.buffer;
    let at = this.at;
    for (let k = 0; k < count; k++) buffer[at++] = SPACE;
    this.at = at;
  }

  byte(code: number): void {
    this.room(1);
    this.buffer[this.at++] = code;
  }

  flush(): void {
    if (this.at === 0) return;
    const data = this.buffer.subarray(0, this.at);
    this.at = 0;
    writeAll(this.fd, data);
  }
}

/** A closed pipe ends the program quietly, as it would end netstat. */
export class ClosedPipe extends Error {}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, data.length - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      if (code === 'EPIPE') throw new ClosedPipe();
      throw error;
    }
  }
}

export const stdout = new Output(1);
export const stderr = new Output(2);

/** Writes a message to stderr at once (stderr is unbuffered in netstat too). */
export function warn(text: string): void {
  stdout.flush();
  stderr.write(text);
  stderr.flush();
}

/** A byte string (one char per byte) of raw bytes. */
export function byteString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
