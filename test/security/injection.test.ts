/**
 * Injection fuzz (issue #14): a spec author must never get a gateway to EVALUATE a spec string.
 * Every string field of the example specs (values and map keys) is given, in turn, a payload
 * written in the metalanguage of one evaluated context (VTL, CloudFormation dynamic references,
 * APIM policy expressions and named values, Apigee message templates and conditions, JavaScript,
 * XML). For each case the spec must be refused with a located error, the target must refuse it
 * with a named problem, or no evaluated position of the target's output may hold the payload raw.
 *
 * `npm test` runs a seeded sample; `FUZZ_RUNS=10000` (npm run fuzz) runs that many cases.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import fc from 'fast-check';
import { parse } from 'yaml';
import { SynthesisError } from '../../lib/model/errors';
import { validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { nastyGateway } from '../fixtures/nasty';

const root = path.join(__dirname, '..', '..');

/**
 * One payload per evaluated context; each carries a canary so a hit is unambiguous. `evaluatedAs`
 * is what the gateway would evaluate when it differs from what the spec says: a character
 * reference that an XML parser would decode into markup of the evaluated language.
 */
const PAYLOADS: { context: string; value: string; evaluatedAs?: string; targets: string[] }[] = [
  { context: 'VTL', value: `canary$context.authorizer.principalId#set($x="a")`, targets: ['aws'] },
  { context: 'VTL-quote', value: `canary"||"a"=="a`, targets: ['aws'] },
  { context: 'CloudFormation dynamic reference', value: '{{resolve:ssm:canary-param}}', targets: ['aws'] },
  { context: 'APIM expression', value: '@(context.Variables["canary"])', targets: ['azure'] },
  { context: 'APIM block expression', value: '@{return "canary";}', targets: ['azure'] },
  { context: 'APIM named value', value: '{{canary-named-value}}', targets: ['azure'] },
  { context: 'Apigee message template', value: '{private.canary}', targets: ['apigee'] },
  { context: 'Apigee condition', value: 'canary" or (1 = 1) or "', targets: ['apigee'] },
  { context: 'JavaScript', value: `canary';throw 1;//"\u2028</script>`, targets: ['apigee'] },
  { context: 'XML', value: 'canary]]><x a="1"/><!--', targets: ['azure', 'apigee'] },
  { context: 'APIM expression as character references', value: '&#64;(context.Variables["canary"])', evaluatedAs: '@(context.Variables["canary"])', targets: ['azure'] },
  { context: 'Apigee template as character references', value: '&#123;private.canary&#125;', evaluatedAs: '{private.canary}', targets: ['apigee'] },
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Step = { key: string; isKey: boolean };

/** Every string leaf and every map key, as a path of steps. */
function stringPlaces(value: Json, at: Step[] = []): Step[][] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPlaces(v, [...at, { key: String(i), isKey: false }]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      [...at, { key: k, isKey: true }],
      ...stringPlaces(v, [...at, { key: k, isKey: false }]),
    ]);
  }
  return [];
}

/**
 * The spec with the payload written into one place: appended (URLs stay URL-shaped), or as the
 * whole value (where a context evaluates only a value that starts with its syntax).
 */
function inject(spec: Json, place: Step[], payload: string, whole: boolean): Json {
  const copy = structuredClone(spec) as Record<string, Json>;
  let node: Record<string, Json> = copy;
  for (const step of place.slice(0, -1)) node = node[step.key] as Record<string, Json>;
  const last = place[place.length - 1];
  if (last.isKey) {
    // Rename the key, keeping the order of the others.
    const entries = Object.entries(node).map(([k, v]) => [k === last.key ? (whole ? payload : k + payload) : k, v] as const);
    for (const k of Object.keys(node)) delete node[k];
    for (const [k, v] of entries) node[k] = v;
  } else {
    const old = node[last.key] as string;
    node[last.key] = /^https?:\/\//.test(old) ? `${old.replace(/\/$/, '')}/${payload}` : whole ? payload : old + payload;
  }
  return copy;
}

// Decodes character references too, as the gateways' XML parsers do.
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: true, parseTagValue: false, parseAttributeValue: false, trimValues: false });

function xmlStrings(doc: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push(k); walk(x); }
  };
  walk(xml.parse(doc));
  return out;
}

/**
 * Strings of an Apigee policy or endpoint that Apigee may evaluate: every text and attribute except
 * the positions it documents as plain data: AssignVariable <Value> (the literal, unlike <Template>),
 * JavaScript <Property> values, <Description>, and a <Payload> whose variablePrefix/Suffix the
 * text does not contain.
 */
function apigeeEvaluatedStrings(doc: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string[], payloadDelims?: string[]): void => {
    const at = path.join('/');
    const literal = /AssignVariable\/Value$|Javascript\/Properties\/Property(\/#text)?$|Description$/.test(at);
    if (typeof v === 'string') {
      if (literal) return;
      if (payloadDelims && /Payload(\/#text)?$/.test(at) && !payloadDelims.some((d) => v.includes(d))) return;
      out.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, path, payloadDelims));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const delims = typeof o['@variablePrefix'] === 'string' ? [o['@variablePrefix'] as string, o['@variableSuffix'] as string] : payloadDelims;
      for (const [k, x] of Object.entries(o)) {
        if (!k.startsWith('@')) out.push(k);
        walk(x, [...path, k], delims);
      }
    }
  };
  walk(xml.parse(doc), []);
  return out;
}

function deepStrings(v: unknown, visit: (s: string, key: string) => void, key = ''): void {
  if (typeof v === 'string') visit(v, key);
  else if (Array.isArray(v)) v.forEach((x) => deepStrings(x, visit, key));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) deepStrings(x, visit, k);
}

/** Where each target evaluates text, and whether the payload stands there raw. */
const TARGETS: Record<string, (spec: GatewaySpec, payload: string) => string[]> = {
  aws: (spec, payload) => {
    const plan = compileAws(spec);
    const hits: string[] = [];
    // CloudFormation resolves dynamic references in any property value of the template (the
    // generated functions' configs travel as asset files, which it does not read).
    const inTemplate = { apiName: plan.apiName, body: plan.body, stages: plan.stages, usagePlans: plan.usagePlans, apiKeys: plan.apiKeys };
    if (payload.includes('{{resolve:')) deepStrings(inTemplate, (s) => s.includes(payload) && hits.push(`CloudFormation value: ${s.slice(0, 120)}`));
    // Mapping templates are VTL.
    const vtl = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(vtl);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'requestTemplates' || k === 'responseTemplates') && x && typeof x === 'object') {
            for (const t of Object.values(x)) if (typeof t === 'string' && t.includes(payload)) hits.push(`VTL template: ${t.slice(0, 120)}`);
          } else vtl(x);
        }
      }
    };
    vtl(plan.body);
    return hits;
  },
  azure: (spec, payload) => {
    const plan = compileAzure(spec);
    const hits: string[] = [];
    deepStrings(plan, (s) => {
      // Policy documents only: a plain value that merely starts with "<" (a description) is data.
      if (!/^\s*<[A-Za-z_][\w:.-]*[\s/>]/.test(s) || !s.trimEnd().endsWith('>')) return;
      if (payload.startsWith('canary]]>')) {
        // XML: the document must hold the payload escaped, never as markup.
        if (s.includes(payload)) hits.push(`APIM policy markup: ${s.slice(0, 120)}`);
        return;
      }
      for (const t of xmlStrings(s)) {
        if (!t.includes(payload)) continue;
        // APIM evaluates a value that starts with @( or @{, and {{named values}} anywhere.
        const evaluated = payload.startsWith('@') ? /^\s*@[({]/.test(t) : true;
        if (evaluated) hits.push(`APIM policy: ${t.slice(0, 120)}`);
      }
    });
    return hits;
  },
  apigee: (spec, payload) => {
    const plan = compileApigee(spec);
    const hits: string[] = [];
    for (const [file, content] of Object.entries(plan.files)) {
      if (file.endsWith('.xml') && payload.startsWith('canary]]>')) { if (content.includes(payload)) hits.push(`${file}: raw markup`); }
      else if (file.endsWith('.xml')) for (const t of apigeeEvaluatedStrings(content)) { if (t.includes(payload)) hits.push(`${file}: ${t.slice(0, 120)}`); }
      else if (file.endsWith('.js') && content.includes(payload)) hits.push(`${file}: raw in JavaScript source`);
    }
    return hits;
  },
};

type Outcome = 'refused-by-validation' | 'refused-by-target' | 'escaped';

/** Runs one case on one target; returns its outcome or throws naming the leak. */
function runCase(spec: Json, place: Step[], payload: string, whole: boolean, target: string, evaluatedAs = payload): Outcome {
  const injected = inject(spec, place, payload, whole);
  const v = validateGateway(injected);
  if (!v.spec) {
    // A refusal must say where: a spec path on every error.
    for (const e of v.errors) expect(e.path.length + (e.message.length > 0 ? 1 : 0)).toBeGreaterThan(0);
    return 'refused-by-validation';
  }
  let hits: string[];
  try {
    hits = TARGETS[target](v.spec, evaluatedAs);
  } catch (e) {
    if (e instanceof SynthesisError) {
      for (const p of e.problems) expect(p.where && p.message).toBeTruthy();
      return 'refused-by-target';
    }
    throw e;
  }
  if (hits.length) {
    const where = place.map((s) => (s.isKey ? `{key ${s.key}}` : s.key)).join('.');
    throw new Error(`${target}: the payload ${JSON.stringify(payload)} written at ${where} reaches an evaluated position raw:\n  ${hits.slice(0, 3).join('\n  ')}`);
  }
  return 'escaped';
}

const bases: { name: string; spec: Json }[] = [
  { name: 'petstore', spec: parse(readFileSync(path.join(root, 'examples/petstore/gateway.yaml'), 'utf8')) },
  { name: 'nasty', spec: nastyGateway() as Json },
];

const casesFor = (target: string) =>
  bases.flatMap((b) => stringPlaces(b.spec).flatMap((place) => PAYLOADS.filter((p) => p.targets.includes(target)).map((p) => ({ base: b, place, payload: p }))));
const runs = Number(process.env.FUZZ_RUNS ?? 150);

describe('no spec string is ever evaluated by a gateway', () => {
  it.each(Object.keys(TARGETS))('%s: every payload in every string field is refused or inert', (target) => {
    const tally: Record<Outcome, number> = { 'refused-by-validation': 0, 'refused-by-target': 0, escaped: 0 };
    const cases = casesFor(target);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: cases.length - 1 }), fc.boolean(), (i, whole) => {
        const c = cases[i];
        tally[runCase(c.base.spec, c.place, c.payload.value, whole, target, c.payload.evaluatedAs)]++;
      }),
      { seed: 14, numRuns: runs },
    );
    // The sample must exercise the emitters, not only the validator.
    expect(tally.escaped + tally['refused-by-target']).toBeGreaterThan(runs / 10);
  });
});
