/**
 * `anygate synth`: every target's artifacts, offline, plus the exported OpenAPI document, the
 * portability report and a manifest of everything written.
 */
import { existsSync, mkdirSync, readdirSync, accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';
import { formatPortabilityMarkdown } from '../../lib/capabilities/format';
import { formatPortabilityHtml } from '../../lib/capabilities/html';
import { portability, specTiers, type Compile } from '../../lib/capabilities/portability';
import { withoutIgnoredWarnings } from '../../lib/capabilities/warnings';
import { ALL_TARGETS, type Target } from '../../lib/capabilities/types';
import { AnygateError, SynthesisError, formatProblem, withRouteShape } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import { openApiFiles } from '../../lib/openapi/export';
import { PEERS } from '../peers';
import { compilers } from './compilers';
import { dnsText } from './dns';
import { beginRun, finishRun, jsonBytes, writeFile } from './files';
import type { Artifact, SynthOptions, TargetSummary } from './types';
import { unknownStages } from '../../lib/model/stages';

export interface SynthResult {
  readonly ok: boolean;
  readonly routes: number;
  readonly targets: TargetSummary[];
  readonly artifacts: Artifact[];
  readonly outDir: string;
  /**
   * Folders of an earlier synthesis this run removed, relative to the out dir (`aws/`,
   * `azure/prod/`): targets and stages it did not synthesize, so that the out dir holds what
   * manifest.json lists and nothing stale. The CLI names them.
   */
  readonly removed: { readonly targets: string[]; readonly stages: string[] };
}

/** Stage folders of a target (`azure/<stage>/`, `kubernetes/<stage>/`). */
const STAGED: ReadonlySet<Target> = new Set(['azure', 'kubernetes']);

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The target folders and their stage folders an out dir holds: `aws/`, `azure/`, `azure/dev/`. */
function targetFolders(outDir: string): string[] {
  const out: string[] = [];
  for (const t of ALL_TARGETS) {
    if (!isDir(path.join(outDir, t))) continue;
    out.push(`${t}/`);
    if (STAGED.has(t)) for (const e of readdirSync(path.join(outDir, t), { withFileTypes: true })) if (e.isDirectory()) out.push(`${t}/${e.name}/`);
  }
  return out;
}

/** Which of `before` the run removed: whole targets, and stages of a target that stays. */
function removedFolders(outDir: string, before: readonly string[]): SynthResult['removed'] {
  const gone = before.filter((f) => !isDir(path.join(outDir, f)));
  return { targets: gone.filter((f) => f.split('/').length === 2), stages: gone.filter((f) => f.split('/').length === 3 && !gone.includes(`${f.split('/')[0]}/`)) };
}

/**
 * Makes the out dir ready, refusing one that anygate did not write (no manifest.json, not empty).
 * An existing anygate out dir is synthesized into incrementally (files.ts): unchanged files keep
 * their mtime, files this run does not write are removed at its end.
 */
export function prepareOutDir(outDir: string): void {
  if (existsSync(outDir)) {
    const entries = readdirSync(outDir);
    if (entries.length && !entries.includes('manifest.json')) {
      throw new AnygateError(`${outDir} is not empty and holds no anygate manifest.json; choose another --out directory (anygate replaces the contents of its out dir)`);
    }
  }
  try {
    mkdirSync(outDir, { recursive: true });
    accessSync(outDir, constants.W_OK);
  } catch (e) {
    throw new AnygateError(`cannot write to ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; choose a writable --out directory`);
  }
}

/** A target's synth module, loaded only when the target is synthesized; a missing SDK is named. */
async function load<T>(target: TargetSummary['target'], f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const missing = PEERS[target].find((p) => (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (e as Error).message.includes(`'${p}`));
    if (missing) throw new AnygateError(`target ${target} needs ${PEERS[target].join(' and ')} (${missing} is not installed): npm install --save-dev ${PEERS[target].join(' ')}, or leave ${target} out with --target`);
    throw e;
  }
}

/** A refusal names its route's method and path too (a path refusal is about the path). */
function messageOf(e: unknown, spec: GatewaySpec): string[] {
  if (e instanceof SynthesisError) return e.problems.map((p) => formatProblem(withRouteShape(p, spec.routes)));
  if (e instanceof AnygateError) return [e.message];
  throw e;
}

export async function synth(spec: GatewaySpec, o: SynthOptions): Promise<SynthResult> {
  // What can be refused before a file is written is refused first.
  const stages = o.stages ?? Object.keys(spec.stages);
  for (const u of unknownStages(spec, stages)) throw new AnygateError(u.message);
  prepareOutDir(o.outDir);
  const before = targetFolders(o.outDir);
  beginRun(o.outDir);
  const artifacts: Artifact[] = [];
  const targets: TargetSummary[] = [];
  try {
    return await written(spec, o, stages, before, artifacts, targets);
  } catch (e) {
    // A run that stops half way still leaves an out dir that holds what its manifest.json lists
    // (and that the next synth writes into): the files written so far, and the error.
    try {
      writeManifest(spec, o.outDir, stages, targets, artifacts, { error: e instanceof Error ? e.message : String(e) });
      finishRun(o.outDir);
    } catch {
      // The out dir cannot be written at all: the first error is the one to report.
    }
    throw e;
  }
}

/** manifest.json: the run's targets and artifacts, sorted by where they are. */
function writeManifest(spec: GatewaySpec, outDir: string, stages: string[], targets: readonly TargetSummary[], artifacts: readonly Artifact[], failed?: { error: string }): Artifact[] {
  const key = (a: Artifact) => (a.entry === undefined ? a.path : `${a.path}\0${a.entry}`);
  const sorted = [...artifacts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const manifest = {
    version: 1,
    gateway: spec.name,
    routes: spec.routes.length,
    stages,
    // Set when the run stopped before writing every artifact (the message it stopped with).
    ...(failed ? { error: failed.error } : {}),
    targets: targets.map((t) => ({ target: t.target, ok: t.ok, resources: t.resources, policies: t.policies, warnings: t.warnings, errors: t.errors })),
    artifacts: sorted,
  };
  writeFile(outDir, 'manifest.json', jsonBytes(manifest));
  return sorted;
}

async function written(spec: GatewaySpec, o: SynthOptions, stages: string[], before: string[], artifacts: Artifact[], targets: TargetSummary[]): Promise<SynthResult> {
  // What each target's synthesis decided, so the portability report replays it instead of
  // compiling every target a second time (its emitted-size problems are synth's own).
  const decided = new Map<Target, SynthesisError | undefined>();
  // The spec's ignoreWarnings and --ignore silence target warnings as they do the model's.
  const ignored = new Set([...(spec.ignoreWarnings ?? []), ...(o.ignoreWarnings ?? [])]);
  // The tiers every compiler and the report use: the options' over the spec's (azure.sku).
  const tiers = specTiers(spec, { azureSku: o.azureSku, apigeeEnvironmentType: o.apigeeEnvironmentType });
  const run = async (target: TargetSummary['target'], f: () => Promise<Omit<TargetSummary, 'target' | 'ok' | 'errors'> & { artifacts: Artifact[] }>) => {
    o.progress(`synthesizing ${target}...`);
    const started = Date.now();
    try {
      const r = await f();
      o.progress(`synthesized ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      artifacts.push(...r.artifacts);
      targets.push({ target, ok: true, resources: r.resources, policies: r.policies, warnings: withoutIgnoredWarnings(r.warnings, ignored), errors: [] });
      decided.set(target, undefined);
    } catch (e) {
      targets.push({ target, ok: false, resources: 0, policies: 0, warnings: [], errors: messageOf(e, spec) });
      if (e instanceof SynthesisError) decided.set(target, e);
    }
  };
  if (o.targets.includes('aws')) {
    await run('aws', async () => {
      const { synthAws } = await load('aws', async () => require('./aws') as typeof import('./aws'));
      const r = synthAws(spec, o.outDir, o.stages, o.awsEnv);
      return { ...r, policies: 0 };
    });
  }
  if (o.targets.includes('azure')) await run('azure', async () => (await load('azure', async () => require('./azure') as typeof import('./azure'))).synthAzure(spec, o.outDir, stages, tiers.azureSku));
  if (o.targets.includes('apigee')) await run('apigee', async () => (await load('apigee', async () => require('./apigee') as typeof import('./apigee'))).synthApigee(spec, o.outDir, stages, tiers.apigeeEnvironmentType));
  if (o.targets.includes('kubernetes')) await run('kubernetes', async () => (require('./kubernetes') as typeof import('./kubernetes')).synthKubernetes(spec, o.outDir, stages));

  // One document when every route fits, else one per version (docs/out-dir.md).
  for (const f of openApiFiles(spec)) {
    const slice = [f.version, f.revision === undefined ? undefined : `revision ${f.revision}`].filter((x) => x !== undefined).join(' ');
    artifacts.push({ target: 'gateway', kind: 'openapi', name: slice ? `${spec.name} ${slice}` : spec.name, path: writeFile(o.outDir, f.file, jsonBytes(f.document)) });
  }
  const dns = dnsText(spec, o.targets);
  if (dns) artifacts.push({ target: 'gateway', kind: 'dns', name: spec.name, path: writeFile(o.outDir, 'dns.txt', dns) });
  const compile = compilers(o.stages);
  const replay = (t: Target): Compile => () => {
    const e = decided.get(t);
    if (e) throw e;
  };
  const replayed = Object.fromEntries(o.targets.map((t) => [t, decided.has(t) ? replay(t) : compile[t]]));
  const report = portability(spec, o.targets, { ...tiers, compilers: replayed });
  artifacts.push({ target: 'gateway', kind: 'portability', name: spec.name, path: writeFile(o.outDir, 'portability.md', formatPortabilityMarkdown(report, spec.name)) });
  artifacts.push({ target: 'gateway', kind: 'portability-html', name: spec.name, path: writeFile(o.outDir, 'portability.html', formatPortabilityHtml(report, spec.name)) });
  const sorted = writeManifest(spec, o.outDir, stages, targets, artifacts);
  finishRun(o.outDir);
  return { ok: targets.every((t) => t.ok), routes: spec.routes.length, targets, artifacts: sorted, outDir: o.outDir, removed: removedFolders(o.outDir, before) };
}
