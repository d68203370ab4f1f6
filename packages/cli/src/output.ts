import { writeSync } from 'node:fs';

/**
 * Text output as bytes. Strings here are "byte strings": one char per byte
 * (latin1), so program names and paths that are not valid UTF-8 go out
 * exactly as the kernel gave them, and printf-style widths count bytes as
 * netstat's do. Output is gathered and written in large chunks.
 */
export class Output {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly fd: number) {}

  write(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.size === 0 && this.chunks.length === 0) return;
    const data = Buffer.from(this.chunks.join(''), 'latin1');
    this.chunks = [];
    this.size = 0;
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
