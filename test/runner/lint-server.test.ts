/**
 * The suite's lint server (test/lint-server.py) answers as the CLIs do: cfn-lint's parseable
 * findings and exit code, openapi-spec-validator's verdict per file; and with no server the client
 * says so (exit 75), so test/validators.ts runs the CLI instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { viaLintServer } from '../lint-server';
import { scratch } from '../validators';

/** The server the global setup started; its first seconds go to importing the tools. */
async function served(): Promise<string> {
  const socket = process.env.ANYGATE_LINT_SOCKET;
  if (!socket) throw new Error('ANYGATE_LINT_SOCKET is not set: test/global-setup.ts starts the server');
  for (let i = 0; i < 240 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 250));
  return socket;
}

describe('the lint server', () => {
  const dir = scratch('lint-server');
  const bad = path.join(dir, 'bad.template.json');
  writeFileSync(bad, JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { NoSuchProperty: 1 } } } }));
  const good = path.join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {} }));
  const invalid = path.join(dir, 'invalid.json');
  writeFileSync(invalid, JSON.stringify({ openapi: '3.0.3', paths: {} }));

  it('cfn-lint: the finding, parseable, with the CLI\'s exit code', async () => {
    await served();
    const r = viaLintServer('cfn-lint', ['--format', 'parseable', bad]);
    expect(r).toBeDefined();
    expect(r!.code).toBe(2);
    expect(r!.out).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+:\\d+:\\d+:E3002:`, 'm'));
  });

  it('openapi-spec-validator: OK for a valid document, the error and exit 1 for one without info', async () => {
    await served();
    expect(viaLintServer('openapi-spec-validator', [good])).toEqual({ code: 0, out: `${good}: OK\n` });
    const r = viaLintServer('openapi-spec-validator', [invalid]);
    expect(r!.code).toBe(1);
    expect(r!.out).toContain("'info' is a required property");
  });

  it('without a server the client exits 75 (validators.ts then runs the CLI)', () => {
    const r = spawnSync('python3', ['-S', path.join(__dirname, '..', 'lint-server.py'), 'call', path.join(dir, 'none.sock'), 'cfn-lint', bad], { encoding: 'utf8' });
    expect(r.status).toBe(75);
  });
});
