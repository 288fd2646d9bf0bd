/**
 * Target warnings carry a rule id (lib/capabilities/warnings.ts), printed `[id]` as the model's
 * are, and `ignoreWarnings` / `--ignore` silence them in synth, validate --target and portability.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { splitTargetWarning, TARGET_WARNINGS, withoutIgnoredWarnings } from '../../lib/capabilities/warnings';
import { validateGateway } from '../../lib/model/normalize';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileApigee } from '../../providers/apigee/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { baseSpec } from '../helpers';
import { scratch } from '../validators';
import { cli, root } from './run';

/** Source files that produce target warnings: the compilers and synth. */
function sources(): string[] {
  const { listFiles } = require('../../bin/synth/files') as typeof import('../../bin/synth/files');
  return [...listFiles(path.join(root, 'providers')).map((f) => `providers/${f}`), ...listFiles(path.join(root, 'bin', 'synth')).map((f) => `bin/synth/${f}`)].filter((f) => f.endsWith('.ts'));
}

describe('target warning ids', () => {
  it('every warning a compiler or synth adds goes through targetWarning, and every id of the table is used', () => {
    const untagged: string[] = [];
    const used = new Set<string>();
    for (const f of sources()) {
      const text = readFileSync(path.join(root, f), 'utf8');
      // warnings.push(...) / warnings.add(...) with a fresh text: a list spread (...auth.warnings) or a variable is checked where it is built.
      for (const m of text.matchAll(/warnings\.(?:push|add)\(\s*([`'"]|targetWarning\()/g)) if (m[1] !== 'targetWarning(') untagged.push(`${f}: ${text.slice(m.index, m.index + 80)}`);
      // The Pulumi components' own warnings (pulumi.log.warn) with a fresh text.
      for (const m of text.matchAll(/log\.warn\(\s*([`'"]|targetWarning\()/g)) if (m[1] !== 'targetWarning(') untagged.push(`${f}: ${text.slice(m.index, m.index + 80)}`);
      for (const m of text.matchAll(/targetWarning\('([a-z0-9-]+)'/g)) used.add(m[1]!);
    }
    expect(untagged).toEqual([]);
    expect(Object.keys(TARGET_WARNINGS).filter((id) => !used.has(id))).toEqual([]);
    expect([...used].filter((id) => !(id in TARGET_WARNINGS))).toEqual([]);
  });

  it('splits the id off a text and filters by it; a text without a known id is never silenced', () => {
    expect(splitTargetWarning('route a: slow [azure-timeout-over-240s]')).toEqual({ message: 'route a: slow', rule: 'azure-timeout-over-240s' });
    expect(splitTargetWarning('a note [not-an-id]')).toEqual({ message: 'a note [not-an-id]' });
    expect(withoutIgnoredWarnings(['x [aws-stage-quota]', 'y [aws-resource-quota]', 'z'], new Set(['aws-stage-quota', '']))).toEqual(['y [aws-resource-quota]', 'z']);
  });
});

describe('the compilers apply the spec\'s ignoreWarnings', () => {
  // Where each compiler returns its warnings, so AwsGateway, the Pulumi components and every command leave out the same ones.
  it('a warning id in ignoreWarnings is gone from every plan; the others stay', () => {
    const input = baseSpec();
    input.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
    input.cors = { allowOrigins: ['https://app.example.com'] };
    const plans = (extra: Record<string, unknown>) => {
      const spec = validateGateway({ ...input, ...extra }).spec!;
      return { aws: compileAws(spec).warnings, azure: compileAzure(spec).warnings, apigee: compileApigee(spec).warnings, kubernetes: compileKubernetes(spec).notes };
    };
    const ids = (ws: readonly string[]) => ws.map((w) => splitTargetWarning(w).rule);
    const all = plans({});
    expect(ids(all.aws)).toContain('aws-cors-proxy-responses');
    expect(ids(all.azure)).toContain('azure-jwt-openid-discovery');
    expect(ids(all.kubernetes)).toEqual(expect.arrayContaining(['kubernetes-rate-limit-service', 'kubernetes-api-key-secrets']));
    const ignored = ['aws-cors-proxy-responses', 'azure-jwt-openid-discovery', 'kubernetes-rate-limit-service'];
    const some = plans({ ignoreWarnings: ignored });
    for (const [target, ws] of Object.entries(some)) {
      expect([target, ids(ws).filter((id) => ignored.includes(id!))]).toEqual([target, []]);
      expect([target, ws]).toEqual([target, all[target as keyof typeof all].filter((w) => !ignored.includes(splitTargetWarning(w).rule!))]);
    }
    expect(ids(some.kubernetes)).toContain('kubernetes-api-key-secrets');
  });
});

describe('the starter spec\'s target warnings', () => {
  it('carry ids in synth, validate --target and portability, and ignoreWarnings or --ignore silences them in each', async () => {
    const dir = scratch('target-warnings');
    expect((await cli(['init', '--name', 'starter'], dir)).code).toBe(0);
    const JWT = /^ +warning: authorizer jwt: validate-jwt reads signing keys through OpenID discovery \(https:\/\/login\.example\.com\/\.well-known\/openid-configuration\); the issuer must publish it, and jwksUri is not used \[azure-jwt-openid-discovery\]$/m;
    const LOGS = /^ +warning: access logs are on \(observability\.accessLogs, true by default\): pass applicationInsights to AzureApimGateway, or API Management will not collect them; to go without, set observability\.accessLogs: false \[azure-access-logs-application-insights\]$/m;
    const K8S = /^ +warning: HTTP backends are Services with an EndpointSlice .* \[kubernetes-endpointslice-rbac\]$/m;
    const synth = await cli(['synth', '--target', 'azure,kubernetes', '--out', 'o'], dir);
    expect(synth.code).toBe(0);
    expect(synth.out).toMatch(JWT);
    expect(synth.out).toMatch(LOGS);
    expect(synth.out).toMatch(K8S);
    // Every warning line synth prints ends with an id of the table.
    const lines = synth.out.split('\n').filter((l) => /^ +warning: /.test(l));
    expect(lines.filter((l) => !(((/ \[([a-z0-9-]+)\]$/.exec(l) ?? [])[1] ?? '') in TARGET_WARNINGS))).toEqual([]);
    // manifest.json records them as printed.
    const manifest = JSON.parse(readFileSync(path.join(dir, 'o', 'manifest.json'), 'utf8')) as { targets: { target: string; warnings: string[] }[] };
    expect(manifest.targets.find((t) => t.target === 'azure')!.warnings.map((w) => splitTargetWarning(w).rule).sort()).toEqual(['azure-access-logs-application-insights', 'azure-jwt-openid-discovery']);

    const validate = await cli(['validate', '--target', 'azure'], dir);
    expect(validate.code).toBe(0);
    expect(validate.err).toMatch(/^anygate\.yaml: warning: azure: authorizer jwt: validate-jwt reads .* \[azure-jwt-openid-discovery\]$/m);
    expect(validate.err).toMatch(/^anygate\.yaml: warning: azure: access logs are on .* \[azure-access-logs-application-insights\]$/m);
    expect(JSON.parse((await cli(['validate', '--target', 'azure', '--json'], dir)).out).warnings.map((w: { rule: string }) => w.rule).sort()).toEqual(['azure-access-logs-application-insights', 'azure-jwt-openid-discovery']);
    const portability = await cli(['portability', '--target', 'azure'], dir);
    expect(portability.err).toMatch(/\[azure-jwt-openid-discovery\]$/m);
    expect(JSON.parse((await cli(['portability', '--target', 'azure', '--json'], dir)).out).warnings.azure).toHaveLength(2);

    // --ignore, for one run, on each command.
    const once = await cli(['synth', '--target', 'azure', '--out', 'o', '--ignore', 'azure-jwt-openid-discovery'], dir);
    expect([once.out, once.out]).toEqual([expect.not.stringMatching(JWT), expect.stringMatching(LOGS)]);
    expect((await cli(['validate', '--target', 'azure', '--ignore', 'azure-jwt-openid-discovery,azure-access-logs-application-insights'], dir)).err).not.toMatch(/warning/);
    expect((await cli(['portability', '--target', 'azure', '--ignore', 'azure-jwt-openid-discovery', '--ignore', 'azure-access-logs-application-insights'], dir)).err).not.toMatch(/warning/);

    // ignoreWarnings in the spec, everywhere.
    const spec = readFileSync(path.join(dir, 'anygate.yaml'), 'utf8');
    writeFileSync(path.join(dir, 'anygate.yaml'), `${spec}\nignoreWarnings: [azure-jwt-openid-discovery, azure-access-logs-application-insights, kubernetes-endpointslice-rbac]\n`);
    const quiet = await cli(['synth', '--target', 'azure,kubernetes', '--out', 'o'], dir);
    expect(quiet.code).toBe(0);
    expect(quiet.out).toMatch(/^ {2}azure {6}ok {6}\d+ resources, \d+ policies, 0 warnings$/m);
    expect(quiet.out).not.toMatch(K8S);
    expect(JSON.parse(readFileSync(path.join(dir, 'o', 'manifest.json'), 'utf8')).targets.find((t: { target: string }) => t.target === 'azure').warnings).toEqual([]);
    expect((await cli(['validate', '--target', 'azure'], dir)).err).not.toMatch(/warning/);
    expect((await cli(['portability', '--target', 'azure'], dir)).err).not.toMatch(/warning/);
    expect(JSON.parse((await cli(['portability', '--target', 'azure', '--json'], dir)).out).warnings).toEqual({});
  });
});
