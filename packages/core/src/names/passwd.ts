import { FieldCursor, nssLines } from './cparse.js';

/** The fields of one /etc/passwd line that name lookups need. */
export interface PasswdEntry {
  /** Login name. */
  name: string;
  /** Numeric user id (0 to 4294967295). */
  uid: number;
  /** Numeric group id (0 to 4294967295). */
  gid: number;
}

const isColon = (code: number): boolean => code === 0x3a;

/**
 * Parses /etc/passwd text like glibc's files backend (the `fgetpwent_r`
 * line parser): colon-separated fields, uid and gid through `strtoul(...,
 * 10)` clamped to 32 bits, lines with a missing or malformed uid/gid
 * skipped. `#` only comments out a whole line. NIS compat lines (names
 * starting with `+` or `-`) are dropped: `getpwuid(3)` never returns them.
 * File order kept.
 *
 * @param text the file decoded as latin1 (one char per byte)
 */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of nssLines(text, '')) {
    const c = new FieldCursor(line);
    const name = c.stringField(isColon, false);
    if (name[0] === '+' || name[0] === '-') continue;
    c.stringField(isColon, false); // password
    const uid = c.intField(isColon, false, 10);
    if (uid === undefined) continue;
    const gid = c.intField(isColon, false, 10);
    if (gid === undefined) continue;
    out.push({ name, uid, gid });
  }
  return out;
}

/**
 * The services listed for one database in nsswitch.conf, lower-cased, in
 * order, with `[STATUS=action]` groups dropped; undefined when the file or
 * the database line is missing.
 *
 * @param text nsswitch.conf contents
 * @param database e.g. "passwd"
 */
export function nsswitchServices(text: string, database: string): string[] | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '');
    const m = /^\s*([A-Za-z0-9_]+)\s*:(.*)$/.exec(line);
    if (!m || m[1]!.toLowerCase() !== database) continue;
    const body = m[2]!.replace(/\[[^\]]*\]/g, ' ');
    return body.split(/\s+/).filter(Boolean).map((s) => s.toLowerCase());
  }
  return undefined;
}

/**
 * Users that nss-systemd ("systemd" in the passwd line of nsswitch.conf)
 * answers for even when /etc/passwd lacks them. It also resolves
 * DynamicUser= and userdb users through a running systemd, which a file
 * reader cannot see.
 */
export const SYSTEMD_SYNTHETIC_USERS: ReadonlyMap<number, string> = new Map([
  [0, 'root'],
  [65534, 'nobody'],
]);
