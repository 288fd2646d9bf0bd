/**
 * The OpenAPI corpus, imported, synthesized (pure compilers, every target and stage) and round-tripped
 * once per process: the corpus test and the corpus report share it, and the import alone
 * (corpusImport) is shared with the checks that only need each document's GatewaySpec
 * (test/capabilities/documents.ts, test/kubernetes/corpus.ts), which the corpus test registers so
 * that they run in its process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { SynthesisError, formatProblem } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { exportOpenApi } from '../../lib/openapi/export';
import { importOpenApi, type ImportResult } from '../../lib/openapi/import';
import { countWarnings } from '../../lib/openapi/warnings';
import { compileApigee } from '../../providers/apigee/compile';
import type { AwsPlan } from '../../providers/aws/plan';
import { compileAzure } from '../../providers/azure/compile';
import { compiled } from '../capabilities/harness';
import { sharedDir } from '../validators';

export const corpusDir = path.join(sharedDir(), 'corpus', 'openapi');
export const corpusFiles = readdirSync(corpusDir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

/** Documents that are not valid for their version: each imports only leniently. */
export const INVALID: Record<string, string[]> = {
  'awslabs-serverless-express-proxy-unversioned.yaml': ['#/info'],
  'nytimes-mostpopular-2.0.0.json': ['#/info', '#/parameters/Section', '#/parameters/TimePeriod'],
};

export interface TargetOutcome {
  readonly target: string;
  readonly ok: boolean;
  /** What the plan holds (AWS paths, APIM operations, Apigee bundle files), when ok. */
  readonly size: number;
  /** Named reasons, when refused. */
  readonly problems: string[];
  readonly ms: number;
}

/** A document as read and imported: strictly, but for the INVALID ones, which import only leniently. */
export interface CorpusImport {
  readonly file: string;
  readonly doc: Record<string, unknown>;
  /** Whether it was imported with lenient (only the INVALID documents are). */
  readonly lenient: boolean;
  readonly result: ImportResult;
  readonly spec: GatewaySpec;
  readonly importMs: number;
}

export interface CorpusEntry extends CorpusImport {
  readonly synth: TargetOutcome[];
  readonly exported: Record<string, unknown>;
  readonly again: GatewaySpec;
}

function time<T>(f: () => T): { value: T; ms: number } {
  const t = process.hrtime.bigint();
  const value = f();
  return { value, ms: Number((process.hrtime.bigint() - t) / 1_000_000n) };
}

function outcome(target: string, f: () => number): TargetOutcome {
  try {
    const { value, ms } = time(f);
    return { target, ok: true, size: value, problems: [], ms };
  } catch (e) {
    if (!(e instanceof SynthesisError)) throw e;
    return { target, ok: false, size: 0, problems: e.problems.map(formatProblem), ms: 0 };
  }
}

/** Every target, every stage, with the pure compilers (the CLI's synth is tested in test/cli). */
export function synthesizeAll(spec: GatewaySpec): TargetOutcome[] {
  const stages = Object.keys(spec.stages);
  return [
    // The AWS plan is the one the portability check of the corpus documents (../capabilities/documents.ts) compiles: once for both.
    outcome('aws', () => Object.keys(((compiled('aws', spec, { aws: {} }) as AwsPlan).body as { paths: object }).paths).length),
    outcome('azure', () => stages.reduce((n, stage) => n + compileAzure(spec, { stage }).operations.length, 0)),
    outcome('apigee', () => Object.keys(compileApigee(spec, { environments: Object.fromEntries(stages.map((s) => [s, s])) }).files).length),
  ];
}

export function readCorpusDocument(file: string): Record<string, unknown> {
  const text = readFileSync(path.join(corpusDir, file), 'utf8').replace(/^\uFEFF/, '');
  // Duplicate-key checks cost seconds on a 1.7 MB YAML file; loadSpec's parse keeps them (a test there reads the BOM file).
  return (file.endsWith('.json') ? JSON.parse(text) : parse(text, { uniqueKeys: false })) as Record<string, unknown>;
}

const imports = new Map<string, Promise<CorpusImport>>();
const entries = new Map<string, Promise<CorpusEntry>>();

async function importDocument(file: string): Promise<CorpusImport> {
  const doc = readCorpusDocument(file);
  const lenient = file in INVALID;
  const t = process.hrtime.bigint();
  const result = await importOpenApi(doc, path.join(corpusDir, file), { lenient });
  const spec = toGatewaySpec(result.input);
  const importMs = Number((process.hrtime.bigint() - t) / 1_000_000n);
  return { file, doc, lenient, result, spec, importMs };
}

async function build(file: string): Promise<CorpusEntry> {
  const imported = await corpusImport(file);
  const synth = synthesizeAll(imported.spec);
  const exported = exportOpenApi(imported.spec) as unknown as Record<string, unknown>;
  const again = toGatewaySpec((await importOpenApi(structuredClone(exported), `${file}.export.json`)).input);
  return { ...imported, synth, exported, again };
}

/**
 * The document read and imported (strictly, or leniently when INVALID: a lenient import of a valid
 * document gives the same result, lenient only changes what a problem does); computed once per process.
 */
export function corpusImport(file: string): Promise<CorpusImport> {
  if (!imports.has(file)) imports.set(file, importDocument(file));
  return imports.get(file)!;
}

/** The document imported, synthesized and round-tripped; computed once per process. */
export function corpusEntry(file: string): Promise<CorpusEntry> {
  if (!entries.has(file)) entries.set(file, build(file));
  return entries.get(file)!;
}

/** One line per document for the issue's closing note. */
export function reportRow(e: CorpusEntry): string {
  const counts = countWarnings(e.result.warnings);
  const merged = counts.merged ?? 0;
  const synth = e.synth.map((t) => `${t.target} ${t.ok ? `${t.ms} ms` : `refused (${t.problems.length})`}`).join(', ');
  const warnings = Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return `| ${e.file} | ${e.result.operations} | ${e.spec.routes.length} | ${merged} | ${warnings} | import ${e.importMs} ms; ${synth} |`;
}
