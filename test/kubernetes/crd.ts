/**
 * Validation of emitted objects against the CRDs in ../shared/schemas/k8s (Gateway API v1.6.1
 * standard, Envoy Gateway v1.9.0) with ajv, plus the CEL rules (x-kubernetes-validations) that
 * anygate's output could break, re-implemented as small checks.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import Ajv, { type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { exactPathProblem } from '../../providers/kubernetes/paths';
import type { K8sObject } from '../../providers/kubernetes/plan';
import { sharedDir } from '../validators';
import { configMapProblems, envoyProxyProblems } from './crd-telemetry';
import { endpointSliceProblems, serviceProblems } from './core-objects';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

// Kubernetes schema extensions (x-kubernetes-*) are not JSON Schema keywords: ajv ignores them.
// Test files share this module within a worker (jest-light-runner), so each CRD a test needs is
// read and compiled once per worker. js-yaml reads the CRDs (plain YAML: no anchors, tags or
// dates) as the `yaml` package does, about 8 times faster.
// prometheus-operator's CRD writes Go's case-insensitive flag inline (`(?i)abort|warn`), which
// JavaScript spells as a flag (the CRD puts it after ^). `code` names it in ajv's standalone code.
const goRegExp = Object.assign((pattern: string, flags: string) => (pattern.includes('(?i)') ? new RegExp(pattern.replace('(?i)', ''), `${flags}i`) : new RegExp(pattern, flags)), { code: 'goRegExp' });
const OPTIONS = { strict: false, allErrors: true, validateFormats: false } as const;
const ajv = new Ajv({ ...OPTIONS, code: { regExp: goRegExp, source: true } });
const validators = new Map<string, ValidateFunction | undefined>();

/**
 * ajv's compile of a CRD version (its code generation: 0.1-0.5 s of CPU a kind, 2-3 s for the kinds
 * the suite validates, in each Jest worker of each run) is kept once per checkout, as the
 * standalone code ajv writes for that compile (ajv/dist/standalone: the same validation code, with
 * its patterns and runtime helpers), in .cache/ (git-ignored; in the checkout rather than the
 * shared temp dir, since the code is run). The key is everything the code depends on:
 * the CRD file's text, the kind and version, ajv's version and options, and the pattern function.
 */
const CACHE = path.join(__dirname, '..', '..', '.cache', 'crd-validators');
const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;

function cachedValidator(text: string, kind: string, version: string, compile: () => ValidateFunction | undefined): ValidateFunction | undefined {
  const key = createHash('sha256').update(JSON.stringify([AJV_VERSION, OPTIONS, goRegExp.toString(), kind, version, text])).digest('hex');
  const file = path.join(CACHE, `${key}.cjs`);
  let code = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (code === undefined) {
    const validate = compile();
    if (!validate) return undefined;
    code = standaloneCode(ajv, validate);
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, code);
    renameSync(tmp, file); // whole or absent, for the other worker
  }
  const mod = { exports: {} as { default?: ValidateFunction } };
  new Function('require', 'module', 'exports', 'goRegExp', code)(require, mod, mod.exports, goRegExp);
  return mod.exports.default;
}

/** Kubernetes' plural of a kind, as the CRD file names use it (HTTPRoute: httproutes, SecurityPolicy: securitypolicies, Gateway: gateways). */
const plural = (kind: string) => {
  const k = kind.toLowerCase();
  return /[^aeiou]y$/.test(k) ? `${k.slice(0, -1)}ies` : k.endsWith('s') ? `${k}es` : `${k}s`;
};

/** The schema validator of one served group/version/kind, compiled on first use; undefined when no CRD has it. */
function validatorOf(group: string, version: string, kind: string): ValidateFunction | undefined {
  const key = `${group}/${version} ${kind}`;
  if (validators.has(key)) return validators.get(key);
  let validate: ValidateFunction | undefined;
  for (const dir of ['gateway-api', 'envoy-gateway', 'envoy-ai-gateway', 'prometheus-operator']) {
    const file = path.join(sharedDir(), 'schemas', 'k8s', dir, `${group}_${plural(kind)}.yaml`);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    validate =
      cachedValidator(text, kind, version, () => {
        const crd = load(text, { schema: CORE_SCHEMA }) as any;
        const v = crd.spec.names.kind === kind ? crd.spec.versions.find((x: any) => x.served && x.name === version) : undefined;
        return v ? ajv.compile(v.schema.openAPIV3Schema) : undefined;
      }) ?? validate;
  }
  validators.set(key, validate);
  return validate;
}

/** Every CEL rule of the CRDs that anygate's objects could break, as code. */
function celProblems(o: K8sObject): string[] {
  const out: string[] = [];
  const spec = o.spec as any;
  // Gateway API's PreciseHostname: "numeric IP addresses are not allowed" (the CRD's pattern alone lets an IPv4 address through).
  if (o.kind === 'BackendTLSPolicy' && isIP(spec.validation?.hostname ?? '')) out.push(`validation.hostname ${spec.validation.hostname} is an IP address (Gateway API PreciseHostname forbids it)`);
  if (o.kind === 'HTTPRoute') {
    const rules: any[] = spec.rules ?? [];
    const total = rules.reduce((n, r) => n + (r.matches?.length ?? 0), 0);
    if (total > 128) out.push(`${total} matches in one route (CEL: at most 128)`);
    const names = rules.map((r) => r.name);
    if (new Set(names).size !== names.length) out.push('rule names not unique');
    for (const r of rules) {
      for (const m of r.matches ?? []) {
        if (m.path?.type === 'Exact') {
          const p = exactPathProblem(m.path.value);
          if (p) out.push(`Exact path ${m.path.value}: ${p}`);
        }
      }
      const types = (r.filters ?? []).map((f: any) => f.type).filter((t: string) => t !== 'ExtensionRef');
      if (new Set(types).size !== types.length) out.push(`rule ${r.name}: a core filter repeats`);
      if (r.backendRefs?.length && r.filters?.some((f: any) => f.requestRedirect)) out.push('RequestRedirect with backendRefs');
      for (const b of r.backendRefs ?? []) if ((b.kind ?? 'Service') === 'Service' && b.port === undefined) out.push('Service backendRef without port');
    }
  }
  if (o.kind === 'SecurityPolicy' || o.kind === 'BackendTrafficPolicy') {
    if (!spec.targetRefs?.length) out.push('no targetRefs');
    for (const t of spec.targetRefs ?? []) if (t.group !== 'gateway.networking.k8s.io' || !['Gateway', 'HTTPRoute'].includes(t.kind)) out.push('targetRef group/kind');
    const usesJwt = spec.authorization?.rules?.some((r: any) => r.principal?.jwt);
    if (usesJwt && !spec.jwt) out.push('authorization on jwt without jwt');
  }
  if (o.kind === 'Gateway') {
    // The listener rules of the Gateway CRD (x-kubernetes-validations on spec.listeners).
    const ls: any[] = spec.listeners ?? [];
    if (new Set(ls.map((l) => l.name)).size !== ls.length) out.push('listener names not unique');
    if (new Set(ls.map((l) => `${l.port} ${l.protocol} ${l.hostname ?? ''}`)).size !== ls.length) out.push('port, protocol and hostname not unique');
    for (const l of ls) {
      if (l.protocol === 'HTTP' && l.tls) out.push(`tls on an HTTP listener (${l.name})`);
      if (l.protocol === 'HTTPS' && !l.tls?.certificateRefs?.length) out.push(`HTTPS listener without tls certificateRefs (${l.name})`);
    }
  }
  if (o.kind === 'BackendSecurityPolicy') {
    // Each type takes exactly its own credentials field (the CRD's CEL rules).
    const field = { APIKey: 'apiKey', AzureAPIKey: 'azureAPIKey', AWSCredentials: 'awsCredentials', AzureCredentials: 'azureCredentials', GCPCredentials: 'gcpCredentials', AnthropicAPIKey: 'anthropicAPIKey' }[spec.type as string];
    const fields = ['apiKey', 'azureAPIKey', 'awsCredentials', 'azureCredentials', 'gcpCredentials', 'anthropicAPIKey'].filter((f) => f in spec);
    if (!field || fields.length !== 1 || fields[0] !== field) out.push(`type ${spec.type} with ${fields.join(', ')}`);
  }
  if (o.kind === 'AIServiceBackend' && (spec.backendRef?.group !== 'gateway.envoyproxy.io' || spec.backendRef?.kind !== 'Backend')) out.push('backendRef must be an Envoy Gateway Backend');
  if (o.kind === 'AIGatewayRoute') {
    for (const r of spec.rules ?? []) {
      if (r.name === 'route-not-found') out.push('rule name route-not-found is reserved');
      for (const b of r.backendRefs ?? []) if ((b.group === undefined) !== (b.kind === undefined) || (b.group !== undefined && b.kind !== 'InferencePool')) out.push('backendRef group/kind');
    }
  }
  if (o.kind === 'GatewayClass' && o.metadata.namespace) out.push('GatewayClass is cluster-scoped: no namespace');
  if (o.kind === 'HTTPRouteFilter' && spec.urlRewrite?.path?.type === 'ReplaceRegexMatch' && !spec.urlRewrite.path.replaceRegexMatch) out.push('ReplaceRegexMatch without replaceRegexMatch');
  if (!DNS_LABEL.test(o.metadata.name) || o.metadata.name.length > 63) out.push(`name ${o.metadata.name} is not a DNS label`);
  return out;
}

/** Problems of one object: schema errors (ajv) and CEL rules. Empty when valid. */
export function k8sProblems(o: K8sObject): string[] {
  const where = `${o.kind}/${o.metadata.name}`;
  if (o.kind === 'Namespace') return DNS_LABEL.test(o.metadata.name) ? [] : [`${where}: bad name`];
  if (o.kind === 'ConfigMap') return configMapProblems(o).map((p) => `${where}: ${p}`);
  if (o.kind === 'EnvoyProxy') return envoyProxyProblems(o).map((p) => `${where}: ${p}`);
  if (o.kind === 'Service') return serviceProblems(o).map((p) => `${where}: ${p}`);
  if (o.kind === 'EndpointSlice') return endpointSliceProblems(o).map((p) => `${where}: ${p}`);
  const [group, version] = o.apiVersion.split('/');
  const validate = validatorOf(group!, version!, o.kind);
  if (!validate) return [`${where}: no CRD for ${o.apiVersion} ${o.kind}`];
  const out = validate(o) ? [] : (validate.errors ?? []).map((e) => `${where}${e.instancePath}: ${e.message}`);
  return out.concat(celProblems(o).map((p) => `${where}: ${p}`));
}
