/**
 * The README's Azure and Apigee walkthroughs, run as written (their offline part): every config key
 * a Pulumi example reads is declared in its Pulumi.yaml and set by the walkthrough; with the config
 * the walkthrough sets, the program runs under Pulumi mocks and its stack outputs resolve.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { installMocks, settle, valueOf } from '../pulumi-mocks';
import { scratch } from '../validators';
import { listFiles } from '../../bin/synth/files';

const root = path.join(__dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** The README section that starts with `heading` (up to the next heading of the same level). */
function section(heading: string): string {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README has no section ${heading}`);
  const level = /^#+/.exec(heading)![0];
  const next = readme.slice(start + heading.length).search(new RegExp(`\\n${level} `));
  return readme.slice(start, next < 0 ? undefined : start + heading.length + next);
}

/** `pulumi config set [--secret] KEY VALUE` lines of a walkthrough: key -> value. */
function configSets(text: string): Map<string, { value: string; secret: boolean }> {
  const out = new Map<string, { value: string; secret: boolean }>();
  for (const m of text.matchAll(/pulumi config set (--secret )?([\w:-]+) (\S+)/g)) out.set(m[2]!, { value: m[3]!, secret: Boolean(m[1]) });
  return out;
}

/** The keys a program reads: key -> whether it must be set (require*) and whether it is a secret. */
function configReads(program: string): Map<string, { required: boolean; secret: boolean }> {
  const out = new Map<string, { required: boolean; secret: boolean }>();
  for (const m of program.matchAll(/config\.(get|require)(Secret|Number|Boolean|Object)?\('([^']+)'\)/g)) out.set(m[3]!, { required: m[1] === 'require', secret: m[2] === 'Secret' });
  return out;
}

const walkthroughs = [
  { cloud: 'azure', heading: '### Azure (API Management, through Pulumi)', outputs: ['apiId', 'gatewayUrl', 'hostname', 'productIds', 'subscriptionIds', 'subscriptionKeys'] },
  { cloud: 'apigee', heading: '### Google Cloud (Apigee X, through Pulumi)', outputs: ['revision', 'products', 'credentials', 'keyReferences', 'urls'] },
];

installMocks({ latestRevisionId: '1', credentials: [{ consumerKey: 'k', consumerSecret: 's' }] });

describe.each(walkthroughs)('the $cloud walkthrough', ({ cloud, heading, outputs }) => {
  const dir = path.join(root, 'examples', 'petstore', cloud);
  const program = readFileSync(path.join(dir, 'index.ts'), 'utf8');
  const declared = (parse(readFileSync(path.join(dir, 'Pulumi.yaml'), 'utf8')) as { config: Record<string, { secret?: boolean; default?: unknown }> }).config;
  const reads = configReads(program);
  const sets = configSets(section(heading));

  it('declares every key the program reads in Pulumi.yaml, with secrets marked', () => {
    expect(reads.size).toBeGreaterThan(0);
    for (const [key, r] of reads) {
      expect([key, key in declared]).toEqual([key, true]);
      if (r.secret) expect([key, declared[key]!.secret]).toEqual([key, true]);
    }
  });

  it('sets every key the program requires, secrets with --secret, and only keys the program reads', () => {
    for (const [key, r] of reads) {
      if (!r.required) continue;
      expect([key, sets.has(key)]).toEqual([key, true]);
      if (r.secret) expect([key, sets.get(key)!.secret]).toEqual([key, true]);
    }
    for (const key of sets.keys()) if (!key.includes(':')) expect([key, reads.has(key)]).toEqual([key, true]);
  });

  it('runs under Pulumi mocks with the config the walkthrough sets, and its stack outputs resolve', async () => {
    for (const [key, { value }] of sets) pulumi.runtime.setConfig(key.includes(':') ? key : `${pulumi.getProject()}:${key}`, value);
    // As `pulumi up` runs it: in a project directory of its own (the Apigee component writes .anygate/ there).
    const before = process.cwd();
    const project = scratch(`walkthrough-${cloud}`);
    process.chdir(project);
    let exported: Record<string, pulumi.Output<unknown>>;
    try {
      exported = require(path.join(dir, 'index.ts')) as Record<string, pulumi.Output<unknown>>;
      await settle();
    } finally {
      process.chdir(before);
    }
    expect(Object.keys(exported).sort()).toEqual([...outputs].sort());
    for (const name of outputs) expect([name, (await valueOf(exported[name]!)) !== undefined]).toEqual([name, true]);
    // What the component writes into the project is what the walkthrough says (the Apigee bundle
    // zip under .anygate/apigee/, to be git-ignored), and nothing else.
    const written = listFiles(project);
    if (cloud === 'apigee') {
      expect(written).toEqual([expect.stringMatching(/^\.anygate\/apigee\/[\w-]+\.zip$/)]);
      expect(section(heading)).toMatch(/writes the bundle zip under `\.anygate\/apigee\/`[\s\S]*add `\.anygate\/` to \.gitignore/);
    } else expect(written).toEqual([]);
  });

  it('shows every stack output the program exports', () => {
    const text = section(heading).replace(/\s+/g, ' ');
    expect(text).toMatch(/`pulumi up` ends with the stack outputs:/);
    for (const name of outputs) expect([name, text.includes(`\`${name}\``)]).toEqual([name, true]);
  });
});
