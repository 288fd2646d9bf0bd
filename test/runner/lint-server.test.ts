/**
 * The suite's lint server (test/lint-server.py) answers as the CLIs do: cfn-lint's parseable
 * findings and exit code, openapi-spec-validator's verdict per file; and with no server the client
 * says so (exit 75), so test/validators.ts runs the CLI instead. The suite's own server when the
 * global setup started one (the same script: starting a second costs ~3 s of CPU, Python importing
 * both tools and warming cfn-lint); else a server of this file's own, on a scratch socket, whose
 * "ready" line the test waits for, not a time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { viaLintServer } from '../lint-server';
import { scratch } from '../validators';

const SCRIPT = path.join(__dirname, '..', 'lint-server.py');
const dir = scratch('lint-server');
const suite = process.env.ANYGATE_LINT_SOCKET;
const socket = suite && existsSync(suite) ? suite : path.join(dir, 's.sock');
let server: ChildProcess | undefined;

beforeAll(async () => {
  if (socket === suite) return;
  const own = (server = spawn(process.env.ANYGATE_PYTHON || 'python3', [SCRIPT, 'serve', socket], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let err = '';
  own.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    own.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    own.on('exit', (code) => reject(new Error(`the lint server stopped (${code}) before it was ready: ${err}`)));
  });
});
// Waits for this file's server to end, so its CPU is counted against this file, not the worker's next one.
afterAll(() => new Promise<void>((resolve) => (!server || server.exitCode !== null || server.signalCode !== null ? resolve() : (server.once('exit', () => resolve()), server.kill('SIGTERM')))));

describe('the lint server', () => {
  const bad = path.join(dir, 'bad.template.json');
  writeFileSync(bad, JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { NoSuchProperty: 1 } } } }));
  const good = path.join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {} }));
  const invalid = path.join(dir, 'invalid.json');
  writeFileSync(invalid, JSON.stringify({ openapi: '3.0.3', paths: {} }));

  it('cfn-lint: the finding, parseable, with the CLI\'s exit code', () => {
    const r = viaLintServer('cfn-lint', ['--format', 'parseable', bad], undefined, socket);
    expect(r).toBeDefined();
    expect(r!.code).toBe(2);
    expect(r!.out).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+:\\d+:\\d+:E3002:`, 'm'));
  });

  it('openapi-spec-validator: OK for a valid document, the error and exit 1 for one without info', () => {
    expect(viaLintServer('openapi-spec-validator', [good], undefined, socket)).toEqual({ code: 0, out: `${good}: OK\n` });
    const r = viaLintServer('openapi-spec-validator', [invalid], undefined, socket);
    expect(r!.code).toBe(1);
    expect(r!.out).toContain("'info' is a required property");
  });

  it('without a server the client exits 75 (validators.ts then runs the CLI)', () => {
    const r = spawnSync(process.env.ANYGATE_PYTHON || 'python3', ['-S', SCRIPT, 'call', path.join(dir, 'none.sock'), 'cfn-lint', bad], { encoding: 'utf8' });
    expect(r.status).toBe(75);
    expect(viaLintServer('cfn-lint', [bad], undefined, path.join(dir, 'none.sock'))).toBeUndefined();
  });
});
