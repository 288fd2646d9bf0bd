import * as path from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import { emittedTree } from '/work/wt/adopt32/bin/adopt/emitted';
import { adopt, type AdoptPlatform } from '/work/wt/adopt32/lib/adopt';
import { loadSpecFile } from '/work/wt/adopt32/lib/model/load';
import { validateGateway } from '/work/wt/adopt32/lib/model/normalize';
const root = '/work/wt/adopt32';
const [ex, tg, verbose] = process.argv.slice(2);
const exs = ex ? [ex] : ['payments/gateway.yaml', 'petstore/gateway.yaml', 'multi-stage/gateway.ts'];
const tgs = (tg ? [tg] : ['aws', 'azure', 'apigee', 'kubernetes']) as AdoptPlatform[];
for (const e of exs) for (const t of tgs) {
  const spec = loadSpecFile(path.join(root, 'examples', e)).spec;
  let first;
  try { first = emittedTree(spec, t); } catch (err) { console.log(`== ${e} ${t}: synth refuses: ${(err as Error).message.slice(0, 200)}`); continue; }
  const imp = adopt(t, first);
  const v = validateGateway(imp.input);
  const dir = `/tmp/adopt32/${e.split('/')[0]}-${t}`;
  mkdirSync(dir + '/a', { recursive: true }); mkdirSync(dir + '/b', { recursive: true });
  writeFileSync(dir + '/input.json', JSON.stringify(imp.input, null, 2));
  writeFileSync(dir + '/findings.txt', imp.findings.filter(f => f.status !== 'mapped').map(f => `${f.status} ${f.file} ${f.at} ${f.construct}: ${f.reason}`).join('\n'));
  writeFileSync(dir + '/src.json', JSON.stringify(spec, null, 2));
  if (!v.spec) { console.log(`== ${e} ${t}: invalid: ${v.errors.map(x => x.path.join('.') + ': ' + x.message).join('; ')}`); continue; }
  writeFileSync(dir + '/imp.json', JSON.stringify(v.spec, null, 2));
  let second;
  try { second = emittedTree(v.spec, t); } catch (err) { console.log(`== ${e} ${t}: resynth refuses: ${(err as Error).message.slice(0, 300)}`); continue; }
  const diffs: string[] = [];
  for (const [f, text] of first.files) { const p = f.replace(/[\/!]/g, '_'); writeFileSync(`${dir}/a/${p}`, text); if (second.files.get(f) !== text) diffs.push(f); }
  for (const [f, text] of second.files) { const p = f.replace(/[\/!]/g, '_'); writeFileSync(`${dir}/b/${p}`, text); if (!first.files.has(f)) diffs.push('+' + f); }
  console.log(`== ${e} ${t}: ${diffs.length ? 'DIFF ' + diffs.join(' ') : 'SAME'}; lossy findings ${imp.findings.filter(f => f.status !== 'mapped').length}`);
}
