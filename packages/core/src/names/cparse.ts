/**
 * Small re-implementations of the C library pieces that glibc's "files" NSS
 * module uses to read /etc/services, /etc/protocols, /etc/networks and
 * /etc/passwd. They work on "byte strings": JS strings where each char code
 * is one byte (the file decoded as latin1), so that nothing is lost or
 * reinterpreted on the way.
 *
 * @module
 */

/** `isspace(3)` in the C locale: space, \t, \n, \v, \f, \r. */
export function isCSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

const ULONG_MAX = (1n << 64n) - 1n;

/** Result of {@link strtoul}. */
export interface StrtoulResult {
  /** The converted value, as the 64-bit `unsigned long` C would hold. */
  value: bigint;
  /** Index just past the last character used; `start` when nothing was converted (C's `endptr == nptr`). */
  end: number;
}

/**
 * `strtoul(3)` on a 64-bit Linux: leading white space, an optional sign,
 * base 0 (`0x` hex, leading `0` octal, else decimal) or base 10. Overflow
 * gives ULONG_MAX; a minus sign negates modulo 2^64.
 */
export function strtoul(s: string, start: number, base: 0 | 10): StrtoulResult {
  let i = start;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-';
    i++;
  }
  let radix = 10;
  if (base === 0) {
    if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && hexValue(s.charCodeAt(i + 2)) >= 0) {
      radix = 16;
      i += 2;
    } else if (s[i] === '0') {
      radix = 8;
    }
  }
  const big = BigInt(radix);
  let value = 0n;
  let digits = 0;
  let overflow = false;
  for (; i < s.length; i++) {
    const d = hexValue(s.charCodeAt(i));
    if (d < 0 || d >= radix) break;
    value = value * big + BigInt(d);
    if (value > ULONG_MAX) overflow = true;
    digits++;
  }
  if (digits === 0) return { value: 0n, end: start };
  if (overflow) return { value: ULONG_MAX, end: i };
  if (negative && value !== 0n) value = (1n << 64n) - value;
  return { value, end: i };
}

/**
 * The unsigned numbers of glibc's NSS line parsers: `strtoul`, and a value
 * that does not fit in 32 bits rejects the line. (Checked against glibc
 * 2.36: "-1" and "4294967296" are rejected; a minus sign otherwise wraps as
 * in `strtoul`.) Undefined when nothing was converted or out of range.
 */
export function strtou32(s: string, start: number, base: 0 | 10): { value: number; end: number } | undefined {
  const r = strtoul(s, start, base);
  if (r.end === start || r.value > 0xffffffffn) return undefined;
  return { value: Number(r.value), end: r.end };
}

/** `INADDR_NONE`, what {@link inetNetwork} returns for a malformed number. */
export const INADDR_NONE = 0xffffffff;

/**
 * glibc `inet_network(3)`: "a.b.c.d" (each part decimal, 0-octal or 0x-hex,
 * at most 255, at most four parts) to a host-order number; fewer parts are
 * packed to the right ("10.1" is 0x0a01). Trailing white space is allowed.
 * Anything else gives {@link INADDR_NONE}.
 */
export function inetNetwork(s: string): number {
  const parts: number[] = [];
  let i = 0;
  for (;;) {
    let val = 0;
    let base = 10;
    let digit = false;
    if (s[i] === '0') {
      digit = true;
      base = 8;
      i++;
    }
    if (s[i] === 'x' || s[i] === 'X') {
      digit = false;
      base = 16;
      i++;
    }
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (isDigit(c)) {
        if (base === 8 && (c === 0x38 || c === 0x39)) return INADDR_NONE;
        val = (val * base + (c - 0x30)) >>> 0;
        digit = true;
        continue;
      }
      if (base === 16 && hexValue(c) >= 0) {
        val = ((val << 4) + hexValue(c)) >>> 0;
        digit = true;
        continue;
      }
      break;
    }
    if (!digit) return INADDR_NONE;
    if (parts.length >= 4 || val > 0xff) return INADDR_NONE;
    if (s[i] === '.') {
      parts.push(val);
      i++;
      continue;
    }
    while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
    if (i < s.length) return INADDR_NONE;
    parts.push(val);
    break;
  }
  let out = 0;
  for (const p of parts) out = ((out << 8) | (p & 0xff)) >>> 0;
  return out;
}

/**
 * The lines of an NSS "files" database the way glibc's `internal_getent`
 * hands them to a parser: leading white space skipped, empty lines and
 * lines starting with `#` dropped, and the rest cut at the first character
 * of `eolSet` (the database's comment characters; a line always ends at
 * its newline).
 */
export function* nssLines(text: string, eolSet: string): Generator<string> {
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let i = pos;
    while (i < nl && isCSpace(text.charCodeAt(i))) i++;
    let end = nl;
    if (eolSet) {
      for (let j = i; j < nl; j++) {
        if (eolSet.includes(text[j]!)) {
          end = j;
          break;
        }
      }
    }
    pos = nl + 1;
    if (i >= nl || text[i] === '#') continue;
    yield text.slice(i, end);
  }
}

/** What every line of services, protocols and networks holds besides its number: a name first, aliases last. */
export interface NssEntry {
  /** Official name. */
  name: string;
  /** Alias names. */
  aliases: string[];
}

/**
 * glibc's files backend for the `name <number> [aliases...]` databases
 * (services, protocols, networks): each line's name is its first field,
 * `fields` reads what follows it (undefined: the line is malformed and
 * skipped), the rest of the line is the aliases. File order kept.
 *
 * @param text the file decoded as latin1 (one char per byte)
 */
export function parseNssTable<T extends object>(text: string, fields: (c: FieldCursor) => T | undefined): (NssEntry & T)[] {
  const out: (NssEntry & T)[] = [];
  for (const line of nssLines(text, '#')) {
    const c = new FieldCursor(line);
    const name = c.stringField(isCSpace, true);
    const value = fields(c);
    if (value !== undefined) out.push({ name, ...value, aliases: c.words() });
  }
  return out;
}

/**
 * A cursor over one line, with glibc's `STRING_FIELD` step: take characters
 * up to a terminator; then skip that terminator, and with `swallow` every
 * further terminator too.
 */
export class FieldCursor {
  pos = 0;
  constructor(readonly line: string) {}

  /** True when the whole line has been consumed. */
  get atEnd(): boolean {
    return this.pos >= this.line.length;
  }

  /** glibc `STRING_FIELD(variable, terminator_p, swallow)`. */
  stringField(isTerminator: (code: number) => boolean, swallow: boolean): string {
    const { line } = this;
    const start = this.pos;
    let i = start;
    while (i < line.length && !isTerminator(line.charCodeAt(i))) i++;
    const value = line.slice(start, i);
    if (i < line.length) {
      i++;
      while (swallow && i < line.length && isTerminator(line.charCodeAt(i))) i++;
    }
    this.pos = i;
    return value;
  }

  /**
   * glibc `INT_FIELD(variable, terminator_p, swallow, base, ...)`: an
   * unsigned 32-bit number ({@link strtou32}); undefined (the line is
   * rejected) when there is none or it is followed by something other than
   * a terminator or the end of the line.
   */
  intField(isTerminator: (code: number) => boolean, swallow: boolean, base: 0 | 10): number | undefined {
    const { line } = this;
    const r = strtou32(line, this.pos, base);
    if (r === undefined) return undefined;
    let i = r.end;
    if (i < line.length && isTerminator(line.charCodeAt(i))) {
      i++;
      while (swallow && i < line.length && isTerminator(line.charCodeAt(i))) i++;
    } else if (i < line.length) {
      return undefined;
    }
    this.pos = i;
    return r.value;
  }

  /** glibc `parse_list`: the rest of the line as white-space separated words. */
  words(): string[] {
    const rest = this.line.slice(this.pos);
    this.pos = this.line.length;
    const out: string[] = [];
    let i = 0;
    while (i < rest.length) {
      while (i < rest.length && isCSpace(rest.charCodeAt(i))) i++;
      const s = i;
      while (i < rest.length && !isCSpace(rest.charCodeAt(i))) i++;
      if (i > s) out.push(rest.slice(s, i));
    }
    return out;
  }
}
