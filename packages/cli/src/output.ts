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

  /** Unicode text (a JSON document), written as UTF-8, not as a byte string. */
  utf8(text: string): void {
    this.room(Buffer.byteLength(text, 'utf8'));
    this.at += this.buffer.write(text, this.at, 'utf8');
  }

  byte(code: number): void {
    this.room(1);
    this.buffer[this.at++] = code;
  }

  /** Raw bytes, as they are. */
  bytes(data: Uint8Array): void {
    this.room(data.length);
    this.buffer.set(data, this.at);
    this.at += data.length;
  }

  /** Room for `bytes` more in the buffer: the unchecked puts below may follow, up to that many bytes. */
  reserve(bytes: number): void {
    this.room(bytes);
  }

  /** After reserve(): ASCII text, unchecked. */
  put(text: string): void {
    const buffer = this.buffer;
    let at = this.at;
    for (let k = 0; k < text.length; k++) buffer[at++] = text.charCodeAt(k);
    this.at = at;
  }

  /** After reserve(): one byte, unchecked. */
  putByte(code: number): void {
    this.buffer[this.at++] = code;
  }

  /** After reserve(): a non-negative integer (below 2^53) in decimal, unchecked. */
  putInt(value: number): void {
    // past 2^53 a double holds no exact integer digits to take one by one (a 64-bit counter, -n's
    // rates): print it as JavaScript does
    if (value >= 1e15) {
      this.put(value.toFixed(0));
      return;
    }
    if (value < 10) {
      this.buffer[this.at++] = 0x30 + value;
      return;
    }
    let digits = 2;
    for (let limit = 100; value >= limit && digits < 16; limit *= 10) digits++;
    let end = this.at + digits;
    this.at = end;
    const buffer = this.buffer;
    let v = value;
    while (v >= 0x8000_0000) {
      const q = Math.floor(v / 10);
      buffer[--end] = 0x30 + (v - q * 10);
      v = q;
    }
    do {
      const q = (v / 10) | 0;
      buffer[--end] = 0x30 + (v - q * 10);
      v = q;
    } while (v > 0);
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

/**
 * A byte string fit for a terminal: program names and socket paths are chosen
 * by whoever runs a process, so C0 controls, DEL and C1 controls (raw, or
 * UTF-8 encoded) are written as `\xHH` instead of being sent raw, where an
 * escape sequence could rewrite the screen. Everything else, valid UTF-8
 * included, passes through byte for byte. (netstat prints them raw: a
 * deliberate deviation, docs/compat.md.)
 */
/** Whether safeByteString would change anything (most names and paths: no). */
export function needsEscape(bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) {
    const b = bytes[k]!;
    if (b < 0x20 || b >= 0x7f) return true;
  }
  return false;
}

export function safeByteString(bytes: Uint8Array): string {
  let text = '';
  let clean = 0; // bytes[clean..k) are copied as they are
  const escapeRun = (k: number, count: number) => {
    text += byteString(bytes.subarray(clean, k));
    for (let j = k; j < k + count; j++) text += `\\x${bytes[j]!.toString(16).padStart(2, '0')}`;
    clean = k + count;
  };
  for (let k = 0; k < bytes.length; ) {
    const b = bytes[k]!;
    if (b < 0x20 || b === 0x7f) {
      escapeRun(k, 1);
      k += 1;
    } else if (b < 0x80) {
      k += 1;
    } else {
      const length = utf8Length(bytes, k);
      if (length === 0) escapeRun(k, 1); // not UTF-8: a lone byte a terminal might take as C1
      else if (b === 0xc2 && bytes[k + 1]! <= 0x9f) escapeRun(k, 2); // U+0080..U+009F: C1 controls
      k += Math.max(length, 1);
    }
  }
  return clean === 0 ? byteString(bytes) : text + byteString(bytes.subarray(clean));
}

/** Length of the valid UTF-8 sequence starting at `k`, or 0. */
function utf8Length(bytes: Uint8Array, k: number): number {
  const b = bytes[k]!;
  const cont = (j: number, low = 0x80, high = 0xbf) => bytes[j] !== undefined && bytes[j]! >= low && bytes[j]! <= high;
  if (b >= 0xc2 && b <= 0xdf) return cont(k + 1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const low = b === 0xe0 ? 0xa0 : 0x80;
    const high = b === 0xed ? 0x9f : 0xbf;
    return cont(k + 1, low, high) && cont(k + 2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const low = b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xf4 ? 0x8f : 0xbf;
    return cont(k + 1, low, high) && cont(k + 2) && cont(k + 3) ? 4 : 0;
  }
  return 0;
}

/** A byte string (one char per byte) of raw bytes. */
export function byteString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
