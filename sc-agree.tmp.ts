import fc from 'fast-check';
import { validateGateway } from './lib/model/normalize';
import { gatewayInput, compileOptions } from './test/capabilities/arbitraries';
import { reportProblems, synthProblems } from './test/capabilities/harness';
import { targetProblems } from './lib/capabilities/support';
import { ALL_TARGETS as TARGETS } from './lib/capabilities/types';
import { ALL_PROFILES } from './dev/profiles';
import { startDecision } from './dev/start';
const samples = fc.sample(fc.tuple(gatewayInput, compileOptions), { numRuns: Number(process.env.N ?? 400), seed: 15_2026 });
const specs = samples.map(([i, d]) => [validateGateway(i).spec, d] as const).filter(([s]) => s);
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const t0 = cpu();
for (const [spec, d] of specs) {
  const o = { azureSku: d.azureSku, apigeeEnvironmentType: d.apigeeEnvironmentType, aws: { cacheClusterSize: d.cacheClusterSize, stages: d.stages }, azure: { externalCache: d.externalCache, apiDefinition: d.apiDefinition }, kubernetes: { stages: d.stages, namespaces: d.namespaces, backendKind: d.backendKind, functions: d.functions } } as never;
  for (const t of TARGETS) { synthProblems(spec!, t, o); reportProblems(spec!, t, o); targetProblems(spec!, t, o); }
  for (const p of ALL_PROFILES) { synthProblems(spec!, p, {}); startDecision({ spec: spec!, profile: p }); }
}
console.log('specs', specs.length, 'ms per spec', ((cpu() - t0) / specs.length).toFixed(2));
