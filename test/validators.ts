/** Runs the real external checkers the test suite relies on. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { apigeelintReports } from './apigeelint';
import { viaLintServer } from './lint-server';

export interface ToolResult {
  code: number | null;
  out: string;
}

function run(cmd: string, args: string[], cwd?: string): ToolResult {
  const served = viaLintServer(cmd, args, cwd);
  if (served) return served;
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}); .ci/run installs the validators`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A scratch directory for files handed to external tools. */
export function scratch(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `anygate-${prefix}-`));
}

/** cfn-lint on one or more template files (one run: its start-up is most of its cost); the error lines (rules E*), warnings ignored. */
export function cfnLintErrors(files: string | string[]): string[] {
  const r = run('cfn-lint', ['--format', 'parseable', ...[files].flat()]);
  return r.out.split('\n').filter((l) => /:E\d{4}:/.test(l));
}

/** openapi-spec-validator on a document object; returns the output when invalid, '' when valid. */
export function openApiErrors(doc: unknown): string {
  const file = path.join(scratch('oas'), 'openapi.json');
  writeFileSync(file, JSON.stringify(doc));
  return openApiFileErrors([file]);
}

/** openapi-spec-validator on document files, in one run; '' when every one is valid. */
export function openApiFileErrors(files: string[]): string {
  const r = run('openapi-spec-validator', files);
  return r.code === 0 ? '' : r.out;
}

/** The shared/ folder beside the checkout (CI lays it there), or the workspace's. */
export function sharedDir(): string {
  const candidates = [path.join(__dirname, '..', '..', 'shared'), '/work/shared'];
  const found = candidates.find((c) => existsSync(path.join(c, 'DESIGN.md')));
  if (!found) throw new Error(`shared/ not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value, null, 1));
  return file;
}

/** xmllint against Microsoft's API Management policy schemas; returns the failures ('' when all validate). */
export function apimPolicyErrors(files: string[]): string {
  if (files.length === 0) return '';
  const xsd = path.join(sharedDir(), 'schemas', 'apim-policy', 'policies-libxml2.xsd');
  const r = run('xmllint', ['--noout', '--schema', xsd, ...files]);
  return r.code === 0 ? '' : r.out;
}

export interface LintFinding {
  file: string;
  ruleId: string;
  severity: 'error' | 'warning';
  message: string;
}

/**
 * apigeelint (--profile apigeex) on unpacked bundles (each dir holds apiproxy/), in this process
 * (test/apigeelint.ts): every finding, per dir.
 */
export function apigeelintBundles(dirs: string[]): Record<string, LintFinding[]> {
  const reports = apigeelintReports(dirs);
  return Object.fromEntries(
    dirs.map((d) => [
      d,
      reports[d]!.flatMap((f) => f.messages.map((m) => ({ file: f.filePath.split('apiproxy/').pop()!, ruleId: m.ruleId, severity: m.severity === 2 ? 'error' as const : 'warning' as const, message: m.message }))),
    ]),
  );
}

/** apigeelint (--profile apigeex) on an unpacked bundle in dir/apiproxy; every finding. */
export function apigeelint(dir: string): LintFinding[] {
  return apigeelintBundles([dir])[dir]!;
}
