/**
 * `anygate diff <old-out> <new-out>`: what changes per target between two synth outputs: each added,
 * removed or changed resource, each changed property (with its route when it sits under an OpenAPI
 * path), and each changed policy file, line by line. Pure reorderings are not changes. The removal of
 * a stateful resource (API keys, usage plans, products, apps) is flagged destructive, as are changes
 * that cut clients off (DESTRUCTIVE_CHANGES) and, on Kubernetes, any object deleted.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { diffLines } from 'diff';
import { JSON_SCHEMA, loadAll } from 'js-yaml';
import microdiff from 'microdiff';
import { ALL_TARGETS } from '../../lib/capabilities/types';
import { AnygateError } from '../../lib/model/errors';
import { OutContents } from './contents';

const STATEFUL = new Set([
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::ApiKey',
  'AWS::ApiGateway::UsagePlan',
  'AWS::ApiGateway::UsagePlanKey',
  'AWS::ApiGateway::Stage',
  'AWS::Logs::LogGroup',
  'azure-native:apimanagement:ApiManagementService',
  'azure-native:apimanagement:Api',
  'azure-native:apimanagement:Product',
  'azure-native:apimanagement:Subscription',
  'gcp:apigee/api:Api',
  'gcp:apigee/apiProduct:ApiProduct',
  'gcp:apigee/developer:Developer',
  'gcp:apigee/developerApp:DeveloperApp',
]);

/**
 * Changes of a kept resource that cut clients off though nothing is removed: the property (its
 * path under the resource's canonical body, dots between keys) and, from its old and new value,
 * why the change is destructive, or undefined when this change is not.
 */
const DESTRUCTIVE_CHANGES: { readonly type: string; readonly path: string; readonly why: (old: unknown, now: unknown) => string | undefined }[] = [
  {
    type: 'AWS::ApiGateway::RestApi',
    path: 'Properties.DisableExecuteApiEndpoint',
    why: (old, now) => (now === true && old !== true ? 'turns off the execute-api endpoint: every client calling https://<api-id>.execute-api.<region>.amazonaws.com is cut off (only the custom domain answers)' : undefined),
  },
];

/** Why the removal of a resource of this type is destructive, or undefined when it is not. */
function removalWhy(target: string, type: string): string | undefined {
  if (STATEFUL.has(type)) return 'removes or replaces a stateful resource';
  // Every Kubernetes object anygate writes serves traffic or holds its settings: deleting one (a
  // Namespace deletes all it holds, a Gateway its address) changes what clients reach.
  if (target === 'kubernetes') return `removes the Kubernetes ${type}${type === 'Namespace' ? ' and every object in it' : ''}, and what it serves or sets (kubectl apply alone leaves it in the cluster: delete it, or apply with --prune)`;
  return undefined;
}

/** One change, for `--json` and for callers that filter. */
export interface DiffEntry {
  readonly target: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** Logical id, resource name or policy file. */
  readonly id: string;
  /** Resource type, or `policy` for a policy file. */
  readonly type: string;
  /** The graph it belongs to when a target writes several (an Azure stage). */
  readonly in?: string;
  readonly destructive: boolean;
  /** Why the change is destructive (set when `destructive` is). @default - not destructive */
  readonly why?: string;
  /** Changed properties: dotted path, route when known, old and new value (absent when added or removed). */
  readonly properties: { path: string; route?: string; old?: unknown; new?: unknown }[];
  /** Changed lines of a policy file, each prefixed with `-` or `+`. */
  readonly lines: string[];
}

export interface DiffResult {
  /** Human-readable, one change per line with its details indented below it. */
  readonly lines: string[];
  /**
   * Targets one side did not synthesize (its synthesis failed, or it was left out of --target):
   * not compared, so a failed run reads as no change rather than every resource removed.
   */
  readonly skipped: readonly string[];
  readonly entries: DiffEntry[];
  readonly changes: number;
  readonly destructive: number;
}

interface ManifestArtifact {
  target: string;
  kind: string;
  name: string;
  path: string;
  /** Held inside `path` (a zip entry, or a JSON pointer's text): contents.ts reads it. */
  entry?: string;
  pointer?: string;
}

interface ManifestTarget {
  target: string;
  ok: boolean;
  errors?: string[];
}

function readManifest(dir: string): { artifacts: ManifestArtifact[]; targets: ManifestTarget[]; stages: string[]; error?: string } {
  const f = path.join(dir, 'manifest.json');
  if (!existsSync(f)) throw new AnygateError(`${dir}: no manifest.json; give two directories written by anygate synth`);
  const m = JSON.parse(readFileSync(f, 'utf8')) as { artifacts: ManifestArtifact[]; targets?: ManifestTarget[]; stages?: string[]; error?: string };
  return { artifacts: m.artifacts, targets: m.targets ?? [], stages: m.stages ?? [], ...(m.error ? { error: m.error } : {}) };
}

/** The stage an artifact belongs to, for targets that write a folder a stage (`azure/<stage>/...`, `kubernetes/<stage>/...`). */
function stageOf(a: ManifestArtifact, stages: ReadonlySet<string>): string | undefined {
  const [target, stage, rest] = a.path.split('/');
  return (target === 'azure' || target === 'kubernetes') && rest !== undefined && stage !== undefined && stages.has(stage) ? stage : undefined;
}

/** Why `target` has no artifacts on one side: its synthesis failed there, the run stopped, or it did not ask for it. */
function notSynthesized(target: string, side: string, dir: string, m: { targets: readonly ManifestTarget[]; error?: string }): string {
  const t = m.targets.find((x) => x.target === target);
  const why =
    t && !t.ok
      ? `its synthesis failed there${t.errors?.length ? `: ${t.errors[0]}${t.errors.length > 1 ? ` (and ${t.errors.length - 1} more)` : ''}` : ''}`
      : m.error
        ? `that run stopped before it: ${m.error}`
        : 'that run did not synthesize it (--target)';
  return `${target}: not compared: ${side} ${dir} holds none of its artifacts; ${why}`;
}

/** Arrays sorted by their canonical text, so a reordering alone compares equal. */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).sort((a, b) => cmp(JSON.stringify(a), JSON.stringify(b)));
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Resource = { type: string; body: unknown };

interface KubernetesObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/**
 * Resources of one graph artifact, keyed by logical id or name; a Kubernetes stage's objects by
 * `<Kind>/<namespace>/<name>` (`<Kind>/<name>` cluster-wide), their identity in the cluster.
 */
function resources(dir: string, a: ManifestArtifact): Map<string, Resource> {
  const text = readFileSync(path.join(dir, a.path), 'utf8');
  const out = new Map<string, Resource>();
  if (a.kind === 'manifests') {
    for (const o of loadAll(text, undefined, { schema: JSON_SCHEMA }) as (KubernetesObject | null)[]) {
      if (!o || typeof o !== 'object') continue;
      const kind = o.kind ?? '(no kind)';
      const id = [kind, o.metadata?.namespace, o.metadata?.name ?? '(no name)'].filter((x) => x !== undefined).join('/');
      out.set(id, { type: kind, body: canonical(o) });
    }
    return out;
  }
  const doc = JSON.parse(text);
  if (a.kind === 'template') for (const [id, r] of Object.entries<{ Type: string }>(doc.Resources ?? {})) out.set(id, { type: r.Type, body: canonical(r) });
  else for (const r of doc as { type: string; name: string }[]) out.set(r.name, { type: r.type, body: canonical(r) });
  return out;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method']);

/** `GET /pets/{id}` when the property sits under an OpenAPI path item (the AWS RestApi body). */
function routeOf(p: (string | number)[]): string | undefined {
  const i = p.indexOf('paths');
  const at = p[i + 1];
  const method = p[i + 2];
  if (i < 0 || typeof at !== 'string' || !at.startsWith('/')) return undefined;
  if (typeof method === 'string' && METHODS.has(method)) return `${method === 'x-amazon-apigateway-any-method' ? 'ANY' : method.toUpperCase()} ${at}`;
  return at;
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = JSON.stringify(v);
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

/** The methods of a whole path item that was added or removed: `GET, POST /pets`. */
function pathItemRoute(at: string, item: unknown): string {
  const methods = item && typeof item === 'object' ? Object.keys(item).filter((k) => METHODS.has(k)) : [];
  return methods.length ? `${methods.map((m) => (m === 'x-amazon-apigateway-any-method' ? 'ANY' : m.toUpperCase())).join(', ')} ${at}` : at;
}

function propertyChanges(was: unknown, is: unknown): DiffEntry['properties'] {
  return microdiff(was as Record<string, unknown>, is as Record<string, unknown>).map((d) => {
    let route = routeOf(d.path);
    if (route && route.startsWith('/')) route = pathItemRoute(route, 'value' in d ? d.value : d.oldValue);
    const change: DiffEntry['properties'][number] = { path: d.path.join('.'), old: 'oldValue' in d ? d.oldValue : undefined, new: 'value' in d ? d.value : undefined };
    return route ? { ...change, route } : change;
  });
}

const at = (v: unknown, dotted: string): unknown => dotted.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v);

/** The names of a Gateway's listeners (spec.listeners[].name). */
const listeners = (gateway: unknown): string[] => {
  const l = at(gateway, 'spec.listeners');
  return Array.isArray(l) ? l.map((x) => String((x as { name?: unknown }).name)) : [];
};

/** Why a change of a kept resource is destructive, or undefined when it is not. */
function changeWhy(type: string, was: unknown, is: unknown): string | undefined {
  const whys = DESTRUCTIVE_CHANGES.filter((c) => c.type === type).map((c) => c.why(at(was, c.path), at(is, c.path)));
  if (type === 'Gateway') {
    const gone = listeners(was).filter((n) => !listeners(is).includes(n));
    if (gone.length) whys.push(`removes listener${gone.length > 1 ? 's' : ''} ${gone.join(', ')}: clients of ${gone.length > 1 ? 'their' : 'its'} host and port are cut off`);
  }
  const found = whys.filter((w): w is string => w !== undefined);
  return found.length ? found.join('; ') : undefined;
}

function graphEntries(oldDir: string, newDir: string, before: ManifestArtifact[], after: ManifestArtifact[]): DiffEntry[] {
  const graphs = (m: ManifestArtifact[]) => new Map(m.filter((a) => a.kind === 'template' || a.kind === 'resources' || a.kind === 'manifests').map((a) => [`${a.target}:${a.name}`, a]));
  const b = graphs(before);
  const n = graphs(after);
  const entries: DiffEntry[] = [];
  for (const k of [...new Set([...b.keys(), ...n.keys()])].sort()) {
    const oldA = b.get(k);
    const newA = n.get(k);
    const o = oldA ? resources(oldDir, oldA) : new Map<string, Resource>();
    const x = newA ? resources(newDir, newA) : new Map<string, Resource>();
    const a = (oldA ?? newA)!;
    const target = a.target;
    const several = [...b.values(), ...n.values()].some((g) => g.target === target && g.name !== a.name);
    const where = several ? { in: a.name.replace(/\/resources$/, '') } : {};
    for (const id of [...new Set([...o.keys(), ...x.keys()])].sort()) {
      const was = o.get(id);
      const is = x.get(id);
      if (was && !is) {
        const why = removalWhy(target, was.type);
        entries.push({ target, kind: 'removed', id, type: was.type, ...where, destructive: why !== undefined, ...(why ? { why } : {}), properties: [], lines: [] });
      } else if (!was && is) entries.push({ target, kind: 'added', id, type: is.type, ...where, destructive: false, properties: [], lines: [] });
      else if (was && is) {
        const properties = propertyChanges(was.body, is.body);
        if (!properties.length) continue;
        const why = changeWhy(is.type, was.body, is.body);
        entries.push({ target, kind: 'changed', id, type: is.type, ...where, destructive: why !== undefined, ...(why ? { why } : {}), properties, lines: [] });
      }
    }
  }
  return entries;
}

/** Policy and proxy files (APIM policy XML, Apigee bundle files), compared line by line. */
function fileEntries(oldDir: string, newDir: string, before: ManifestArtifact[], after: ManifestArtifact[]): DiffEntry[] {
  const readers = { [oldDir]: new OutContents(oldDir), [newDir]: new OutContents(newDir) };
  const files = (m: ManifestArtifact[]) => new Map(m.filter((a) => a.kind === 'policy' || a.kind === 'proxy').map((a) => [`${a.target}:${a.name}`, a]));
  const b = files(before);
  const n = files(after);
  const entries: DiffEntry[] = [];
  for (const k of [...new Set([...b.keys(), ...n.keys()])].sort()) {
    const oldA = b.get(k);
    const newA = n.get(k);
    const a = (oldA ?? newA)!;
    const text = (dir: string, f?: ManifestArtifact) => (f ? readers[dir]!.text(f) : '');
    const was = text(oldDir, oldA);
    const is = text(newDir, newA);
    if (was === is) continue;
    const lines = diffLines(was, is).flatMap((part) => (part.added || part.removed ? part.value.replace(/\n$/, '').split('\n').map((l) => `${part.added ? '+' : '-'} ${l}`) : []));
    entries.push({ target: a.target, kind: !oldA ? 'added' : !newA ? 'removed' : 'changed', id: a.name, type: a.kind, destructive: false, properties: [], lines });
  }
  return entries;
}

function render(e: DiffEntry): string[] {
  const sign = e.kind === 'added' ? '+' : e.kind === 'removed' ? '-' : '~';
  const head = e.type === 'policy' || e.type === 'proxy' ? `${e.target}: ${sign} ${e.type} ${e.id}` : `${e.target}: ${sign} ${e.id} (${e.type})${e.in ? ` in ${e.in}` : ''}`;
  const out = [`${head}${e.destructive ? `  DESTRUCTIVE: ${e.why ?? 'removes or replaces a stateful resource'}` : ''}`];
  for (const p of e.properties) out.push(`    ${p.route ? `[${p.route}] ` : ''}${p.path}: ${show(p.old)} -> ${show(p.new)}`);
  for (const l of e.lines) out.push(`    ${l}`);
  return out;
}

export function diffOut(oldDir: string, newDir: string): DiffResult {
  const old = readManifest(oldDir);
  const neu = readManifest(newDir);
  // A target with artifacts on one side only is compared only when the other side's run asked for
  // it and succeeded (then its resources were really added or removed).
  const has = (m: ManifestArtifact[], t: string) => m.some((a) => a.target === t);
  const succeeded = (ts: readonly ManifestTarget[], t: string) => ts.some((x) => x.target === t && x.ok);
  const skipped: string[] = [];
  const unreached = new Set<string>();
  for (const t of [...new Set([...old.artifacts, ...neu.artifacts].map((a) => a.target))]) {
    const side = has(old.artifacts, t) && !has(neu.artifacts, t) && !succeeded(neu.targets, t) ? 'new' : !has(old.artifacts, t) && has(neu.artifacts, t) && !succeeded(old.targets, t) ? 'old' : undefined;
    if (!side) continue;
    unreached.add(t);
    skipped.push(side === 'new' ? notSynthesized(t, 'new', newDir, neu) : notSynthesized(t, 'old', oldDir, old));
  }
  // A stage one run did not synthesize (--stage) is not compared either: its folder is not removed.
  const allStages = new Set([...old.stages, ...neu.stages]);
  const unstaged = new Set<string>();
  for (const [m, other, side, dir] of [[old, neu, 'new', newDir], [neu, old, 'old', oldDir]] as const) {
    for (const a of m.artifacts) {
      const st = stageOf(a, allStages);
      if (st === undefined || other.stages.includes(st) || unstaged.has(`${a.target}/${st}`)) continue;
      unstaged.add(`${a.target}/${st}`);
      skipped.push(`${a.target}: stage ${st} not compared: the ${side} run (${dir}) did not synthesize it (--stage)`);
    }
  }
  const compared = (a: ManifestArtifact) => !unreached.has(a.target) && !unstaged.has(`${a.target}/${stageOf(a, allStages)}`);
  const before = old.artifacts.filter(compared);
  const after = neu.artifacts.filter(compared);
  // Grouped by target (resources, then policy and proxy files), in the order synth runs them.
  const order = (t: string) => {
    const i = (ALL_TARGETS as readonly string[]).indexOf(t);
    return i < 0 ? ALL_TARGETS.length : i;
  };
  const entries = [...graphEntries(oldDir, newDir, before, after), ...fileEntries(oldDir, newDir, before, after)]
    .map((e, i) => ({ e, i }))
    .sort((a, b) => order(a.e.target) - order(b.e.target) || a.i - b.i)
    .map(({ e }) => e);
  return { lines: [...skipped, ...entries.flatMap(render)], skipped, entries, changes: entries.length, destructive: entries.filter((e) => e.destructive).length };
}
