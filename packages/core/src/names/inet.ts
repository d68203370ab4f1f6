/**
 * Text forms of IP addresses exactly as glibc prints them.
 *
 * @module
 */

/** `inet_ntoa(3)`: four network-order bytes as "a.b.c.d". */
export function inetNtoa(addr: Uint8Array): string {
  return `${addr[0]}.${addr[1]}.${addr[2]}.${addr[3]}`;
}

/**
 * `inet_ntop(AF_INET6, ...)` as glibc writes it: lower-case hex without
 * leading zeros; the first longest run of two or more zero groups becomes
 * "::" (a single zero group is not compressed); `::a.b.c.d` (the first six
 * groups zero and the seventh not) and `::ffff:a.b.c.d` end in dotted IPv4.
 */
export function inetNtop6(addr: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((addr[i]! << 8) | addr[i + 1]!);
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase !== -1 && bestLen < 2) bestBase = -1;

  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += inetNtoa(addr.subarray(12, 16));
      return out;
    }
    out += words[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** `IN6_IS_ADDR_V4MAPPED`: ::ffff:a.b.c.d. */
export function isV4Mapped(addr: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (addr[i] !== 0) return false;
  return addr[10] === 0xff && addr[11] === 0xff;
}

/** True when every byte is zero (0.0.0.0 or ::). */
export function isUnspecified(addr: Uint8Array): boolean {
  for (let i = 0; i < addr.length; i++) if (addr[i] !== 0) return false;
  return true;
}
