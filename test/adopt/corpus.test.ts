/**
 * Every artifact of the shared gateway corpus imports without a crash, with a loss report whose
 * every unmapped construct has a location in a file of the artifact and a reason; the mapped spec
 * validates and synthesizes on its source platform, and on each other target either synthesizes
 * or is refused by a capability record (a SynthesisError), never by a crash; and `anygate drift`
 * of the artifact against the spec imported from it reports nothing.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, adoptPath, readSourceTree, type AdoptPlatform, type Finding } from '../../lib/adopt';
import { parseData } from '../../lib/adopt/data';
import { parseXml, type XmlNode } from '../../lib/adopt/xml';
import { atPointer } from '../../lib/model/json-pointer';
import { driftSpecs, formatDrift } from '../../lib/adopt/drift';
import { SynthesisError } from '../../lib/model/errors';
import { validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';

const corpus = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'gateways');
const PLATFORMS: AdoptPlatform[] = ['aws', 'azure', 'apigee', 'kubernetes'];

const COMPILE: Record<AdoptPlatform, (spec: GatewaySpec) => unknown> = {
  aws: (s) => compileAws(s, {}),
  azure: (s) => compileAzure(s, { stage: Object.keys(s.stages)[0] }),
  apigee: (s) => compileApigee(s, { environmentType: 'COMPREHENSIVE' }),
  kubernetes: (s) => compileKubernetes(s, {}),
};

/**
 * Locations that do not resolve in their file as written, and why; the list may only shrink. In an
 * ARM template the API policy is XML inside a JSON string, and its findings give the XPath alone.
 */
const UNRESOLVED: Record<string, string> = {
  'azure/resource-kit-linked-arm': 'policy XPaths inside the template JSON string (properties.value), and the API subscriptionRequired pointer without /properties',
};

/** The element an XPath of the readers' form (`/a[1]/b[2]`) names, if any. */
function xpathNode(root: XmlNode, xpath: string): XmlNode | undefined {
  let siblings: readonly XmlNode[] = [root];
  let node: XmlNode | undefined;
  for (const step of xpath.split('/').slice(1)) {
    const m = /^(.+)\[(\d+)\]$/.exec(step);
    node = m ? siblings.filter((n) => n.name === m[1])[Number(m[2]) - 1] : undefined;
    if (!node) return undefined;
    siblings = node.children;
  }
  return node;
}

/** True when the finding's location names something in its file (XPath in XML, JSON pointer otherwise). */
function resolves(f: Finding, text: string): boolean {
  if (f.at === '') return true;
  if (/\.xml$/i.test(f.file)) {
    const x = parseXml(text, { policyExpressions: true });
    return x.ok && xpathNode(x.root, f.at) !== undefined;
  }
  const d = parseData(text, f.file);
  // In a multi-document YAML file the first token is the document's index.
  return d.ok && atPointer(d.docs.length > 1 ? d.docs : d.docs[0], f.at) !== undefined;
}

const artifacts = existsSync(corpus) ? PLATFORMS.flatMap((p) => (existsSync(path.join(corpus, p)) ? readdirSync(path.join(corpus, p)).sort().map((name) => [p, name] as const) : [])) : [];

(artifacts.length ? describe : describe.skip)('the gateway corpus imports', () => {
  it.each(artifacts)('%s/%s', (platform, name) => {
    const dir = path.join(corpus, platform, name);
    const r = adoptPath(platform, dir);
    expect(r.findings.length).toBeGreaterThan(0);
    const files = readSourceTree(dir).files;
    const unresolved: string[] = [];
    for (const f of r.findings) {
      // Every finding names a file of the artifact (a zip entry counts as its zip), and a place in it.
      expect(existsSync(path.join(dir, f.file.split('!/')[0]))).toBe(true);
      const text = files.get(f.file) ?? (files.size === 1 ? [...files.values()][0] : undefined);
      if (text !== undefined && !resolves(f, text)) unresolved.push(`${f.file} ${f.at}`);
      if (f.status !== 'mapped') expect(f.reason).toMatch(/\w/);
      else expect(f.mappedTo).toMatch(/\w/);
    }
    expect(unresolved.length > 0).toBe(`${platform}/${name}` in UNRESOLVED);
    const v = validateGateway(r.input);
    expect(v.errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    const spec = v.spec!;
    expect(() => COMPILE[platform](spec)).not.toThrow();
    // Self-drift: the imported spec's own output, read back, has no drift against the artifact.
    const back = validateGateway(adopt(platform, emittedTree(spec, platform)).input);
    expect(formatDrift(driftSpecs(back.spec!, spec))).toEqual([]);
    for (const other of PLATFORMS.filter((p) => p !== platform)) {
      try {
        COMPILE[other](spec);
      } catch (e) {
        expect(e).toBeInstanceOf(SynthesisError);
      }
    }
  });
});
