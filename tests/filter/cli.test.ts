/**
 * The CLI's side of filter expressions that needs no namespace: a malformed expression is one
 * line on stderr (`fastnetstat: ` and the parser's message, the same the library throws),
 * status 3 (netstat's usage error) and nothing on stdout; an expression with a mode that lists
 * no sockets is refused the same way; --json echoes the expression; one argument and its words
 * select the same rows.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { checkFilter, FastnetstatError } from '@fastnetstat/core';
import { describe, expect, it } from 'vitest';
import { jsonSchemaValidator } from '../../packages/cli/test/schema.js';
import { REPO_ROOT } from '../oracle/zoo.js';

const CLI = process.env.FASTNETSTAT_BIN || path.join(REPO_ROOT, 'node_modules', '.bin', 'fastnetstat');

function run(args: string[]) {
  const r = spawnSync(CLI, args, { encoding: 'utf8', env: { PATH: process.env.PATH, LC_ALL: 'C' } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** The library's message for a malformed expression (what the CLI must print after `fastnetstat: `). */
function libraryMessage(words: string[], options: Parameters<typeof checkFilter>[1] = {}): string {
  try {
    checkFilter(words, options);
  } catch (error) {
    expect(error).toBeInstanceOf(FastnetstatError);
    expect((error as FastnetstatError).code).toBe('EINVAL');
    return (error as FastnetstatError).message;
  }
  throw new Error(`'${words.join(' ')}' parsed`);
}

/** Malformed expressions: [the CLI's arguments, the expression's words]. */
const MALFORMED: Array<[string[], string[]]> = [
  [['-tn'], ['dport', '=', ':22', 'or']],
  [['-tn'], ['dport = :22 or']],
  [['-tn'], ['dport']],
  [['-tan'], ['(', 'sport', '=', ':22']],
  [['-tan'], ['sport', '=', ':22', ')']],
  [['-t'], [')']],
  [['-tn'], ['state', 'bogus']],
  [['-tn'], ['state']],
  [['-tn'], ['exclude']],
  [['-tn'], ['src']],
  [['-tn'], ['and']],
  [['-tn'], ['not']],
  [['-tn'], ['&&', 'sport', '=', ':1']],
  [['-tn'], ['dport', '>']],
  [['-tn'], ['dport', '=', ':70000x']],
  [['-an'], ['dev', 'fns-no-such-device']],
  [['-tan'], ['sport', '=', ':22', 'dst']],
  [['-un'], ['src', '[::1']],
];

describe('malformed expressions', () => {
  for (const [options, words] of MALFORMED) {
    it(`fastnetstat ${options.join(' ')} ${JSON.stringify(words)}: one line, status 3, empty stdout`, () => {
      const r = run([...options, ...words]);
      expect(r.stdout).toBe('');
      expect(r.status).toBe(3);
      expect(r.stderr).toBe(`fastnetstat: ${libraryMessage(words, { protocols: ['tcp', 'udp'] })}\n`);
      expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
    });
  }

  it('the message names the word and its place', () => {
    const r = run(['-tn', 'sport', '=', ':22', 'or']);
    expect(r.stderr).toMatch(/^fastnetstat: filter: .*'or'.* at word 4\n$/);
    // one shell word holding the whole expression: the same place
    const quoted = run(['-tn', 'sport = :22 or']);
    expect(quoted.stderr).toBe(r.stderr);
  });

  it('with --json, -c, -p and --all-netns too: nothing is listed before the error', () => {
    for (const extra of [['--json'], ['-c'], ['-p'], ['--all-netns'], ['-W', '-e', '-o']]) {
      const r = run(['-tn', ...extra, 'dport', '=']);
      expect(r.stdout).toBe('');
      expect(r.status).toBe(3);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
  });
});

describe('expressions with modes that list no sockets', () => {
  for (const mode of ['-r', '-i', '-s', '-g', '-M', '-rn', '-ie', '-st']) {
    it(`${mode}: one line, status 3`, () => {
      const r = run([mode, 'dport', '=', ':22']);
      expect(r).toEqual({
        stdout: '',
        stderr: "fastnetstat: a filter expression selects sockets: not with -r, -i, -s, -g or -M (got 'dport = :22')\n",
        status: 3,
      });
    });
  }
});

describe('well-formed expressions', () => {
  it('--json echoes the expression; without one there is no filter field', () => {
    const doc = JSON.parse(run(['--json', '-tn', 'sport', '=', ':1', 'and', 'dport', '=', ':1']).stdout);
    expect(doc.filter).toBe('sport = :1 and dport = :1');
    expect(doc.inet).toEqual([]);
    expect(JSON.parse(run(['--json', '-tn']).stdout)).not.toHaveProperty('filter');
  });

  it('the filtered documents validate against docs/json.schema.json', () => {
    const validate = jsonSchemaValidator();
    for (const args of [['-tan', 'state', 'listening'], ['-xa', 'src', '*'], ['-tuwxan', '--all-netns', 'sport', '<', ':1024']]) {
      const doc = JSON.parse(run(['--json', ...args]).stdout);
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc.filter).toBe(args.slice(args.findIndex((a) => !a.startsWith('-'))).join(' '));
    }
  });

  it('an expression that selects nothing prints the headings only, status 0', () => {
    const r = run(['-tn', 'sport = :1 and dport = :1']);
    expect(r).toEqual({
      stdout: 'Active Internet connections (w/o servers)\nProto Recv-Q Send-Q Local Address           Foreign Address         State      \n',
      stderr: '',
      status: 0,
    });
  });

  it('-h lists FILTER among the extensions', () => {
    expect(run(['-h']).stdout).toContain("        FILTER                   the words after the options: ss's filter expression");
  });
});
