import fc from 'fast-check';
import { adoptableInput } from '../test/adopt/arbitraries';
import { emittedTree } from '../bin/adopt/emitted';
import { toGatewaySpec } from '../lib/model/normalize';
import { fastYamlDocuments, fastYamlData } from '../lib/model/yaml-data';
const inputs = fc.sample(adoptableInput, { numRuns: 20, seed: 32 });
for (const i of inputs) for (const [f, t] of emittedTree(toGatewaySpec(i), 'kubernetes').files) {
  const r = fastYamlDocuments(t);
  if (!r) { const parts = t.split(/^---$/m); for (const p of parts) if (p.trim() && !fastYamlData(p)) { console.log('FAIL PIECE\n' + p.slice(0, 3000)); process.exit(); } console.log('fail whole?'); }
  else console.log('ok', r.length);
}
