/**
 * `anygate diff <old-out> <new-out>`: what changes per target between two synth outputs, flagging the
 * removal of stateful resources (API keys, usage plans, products, apps) as destructive.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AnygateError } from '../../lib/model/errors';

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

export interface DiffResult {
  readonly lines: string[];
  readonly changes: number;
  readonly destructive: number;
}

interface Manifest {
  artifacts: { target: string; kind: string; name: string; path: string }[];
}

function readManifest(dir: string): Manifest {
  const f = path.join(dir, 'manifest.json');
  if (!existsSync(f)) throw new AnygateError(`${dir}: no manifest.json; give two directories written by anygate synth`);
  return JSON.parse(readFileSync(f, 'utf8'));
}

/** Resources of one artifact, keyed by logical id or name. */
function resources(dir: string, a: { kind: string; path: string }): Map<string, { type: string; body: string }> {
  const doc = JSON.parse(readFileSync(path.join(dir, a.path), 'utf8'));
  const out = new Map<string, { type: string; body: string }>();
  if (a.kind === 'template') for (const [id, r] of Object.entries<any>(doc.Resources ?? {})) out.set(id, { type: r.Type, body: JSON.stringify(r) });
  else for (const r of doc as { type: string; name: string }[]) out.set(r.name, { type: r.type, body: JSON.stringify(r) });
  return out;
}

export function diffOut(oldDir: string, newDir: string): DiffResult {
  const before = readManifest(oldDir);
  const after = readManifest(newDir);
  const lines: string[] = [];
  let changes = 0;
  let destructive = 0;
  const key = (a: { target: string; name: string }) => `${a.target}:${a.name}`;
  const graphs = (m: Manifest) => new Map(m.artifacts.filter((a) => a.kind === 'template' || a.kind === 'resources').map((a) => [key(a), a]));
  const b = graphs(before);
  const n = graphs(after);
  for (const k of [...new Set([...b.keys(), ...n.keys()])].sort()) {
    const oldA = b.get(k);
    const newA = n.get(k);
    const o = oldA ? resources(oldDir, oldA) : new Map();
    const x = newA ? resources(newDir, newA) : new Map();
    const target = (oldA ?? newA)!.target;
    for (const id of [...new Set([...o.keys(), ...x.keys()])].sort()) {
      const was = o.get(id);
      const is = x.get(id);
      if (was && !is) {
        const bad = STATEFUL.has(was.type);
        destructive += bad ? 1 : 0;
        lines.push(`${target}: - ${id} (${was.type})${bad ? '  DESTRUCTIVE: removes or replaces a stateful resource' : ''}`);
      } else if (!was && is) lines.push(`${target}: + ${id} (${is.type})`);
      else if (was && is && was.body !== is.body) lines.push(`${target}: ~ ${id} (${is.type})`);
      else continue;
      changes++;
    }
  }
  return { lines, changes, destructive };
}
