import * as path from 'node:path';
import { emittedTree } from '../bin/adopt/emitted';
import { adopt, type AdoptPlatform } from '../lib/adopt';
import { loadSpecFile } from '../lib/model/load';
import { validateGateway } from '../lib/model/normalize';
const spec = loadSpecFile(path.join('examples/contract/gateway.yaml')).spec;
for (const t of ['aws', 'azure', 'apigee', 'kubernetes'] as AdoptPlatform[]) {
  try {
    const a = emittedTree(spec, t); const r = adopt(t, a); const v = validateGateway(r.input);
    if (!v.spec) { console.log(t, 'invalid', v.errors.slice(0, 2)); continue; }
    const b = emittedTree(v.spec, t);
    const diff = [...a.files].filter(([f, x]) => b.files.get(f) !== x).map(([f]) => f);
    console.log(t, diff.length ? 'differs ' + diff.slice(0, 5).join(',') : 'holds', 'contract routes:', (v.spec.routes as any[]).filter((r) => r.contract).length);
  } catch (e) { console.log(t, 'error', (e as Error).message.slice(0, 200)); }
}
for (const t of ['aws', 'azure', 'apigee'] as AdoptPlatform[]) {
  const r = adopt(t, emittedTree(spec, t));
  console.log(t, r.findings.filter((f) => f.status !== 'mapped' && /model|document|schema|contract|oas|representation|parameter|response/i.test(`${f.construct} ${f.reason} ${f.at}`)).slice(0, 6).map((f) => `${f.status} ${f.file} ${f.at} ${f.construct}: ${(f.reason ?? '').slice(0, 80)}`));
}
