/**
 * validation.contract in the model and the records: the OpenAPI 3.1 -> draft-04 / OpenAPI 3.0
 * conversion keeps the meaning (checked with ajv: the same documents pass and fail), names what a
 * dialect cannot say, and each target refuses by record what its validator would not check,
 * naming the route and the schema path.
 */
import Ajv from 'ajv';
import Ajv04 from 'ajv-draft-04';
import Ajv2020 from 'ajv/dist/2020';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { contractChecks } from '../../lib/model/contract-validation';
import { toGatewaySpec, validateGateway } from '../../lib/model/normalize';
import { toDialect } from '../../lib/model/schema-dialects';
import { refusals } from '../helpers';
import { openApiErrors } from '../validators';

const SOURCE = {
  type: 'object',
  required: ['kind', 'count'],
  properties: {
    kind: { const: 'item' },
    count: { type: 'integer', exclusiveMinimum: 0, maximum: 10 },
    note: { type: ['string', 'null'], maxLength: 3 },
    tags: { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'integer' } },
    either: { $ref: '#/components/schemas/Short', minLength: 2 },
  },
  dependentRequired: { note: ['count'] },
};
const SHORT = { type: 'string', maxLength: 4 };
const SAMPLES: unknown[] = [
  { kind: 'item', count: 1 },
  { kind: 'other', count: 1 },
  { kind: 'item', count: 0 },
  { kind: 'item', count: 11 },
  { kind: 'item', count: 1, note: null },
  { kind: 'item', count: 1, note: 'long' },
  { kind: 'item', count: 1, note: 3 },
  { kind: 'item', count: 1, tags: ['a', 2, 3] },
  { kind: 'item', count: 1, tags: [1] },
  { kind: 'item', count: 1, tags: ['a', 'b'] },
  { kind: 'item', count: 1, either: 'ab' },
  { kind: 'item', count: 1, either: 'a' },
  { kind: 'item', count: 1, either: 'abcde' },
  { kind: 'item' },
];

describe('schema dialects', () => {
  it('draft-04 keeps the meaning of an OpenAPI 3.1 schema: every sample gets the same verdict', () => {
    const ref = (n: string) => `#/definitions/${n}`;
    const source = new Ajv2020({ strict: false }).compile({ ...SOURCE, $defs: { Short: SHORT }, properties: { ...SOURCE.properties, either: { $ref: '#/$defs/Short', minLength: 2 } } });
    const { schema, gaps } = toDialect(SOURCE, 'draft-04', ref);
    expect(gaps).toEqual([]);
    const converted = new Ajv04({ strict: false }).compile({ ...schema, definitions: { Short: toDialect(SHORT, 'draft-04').schema } });
    for (const s of SAMPLES) expect([s, converted(s)]).toEqual([s, source(s)]);
    expect(schema.properties).toMatchObject({ count: { minimum: 0, exclusiveMinimum: true }, kind: { enum: ['item'] }, either: { allOf: [{ $ref: '#/definitions/Short' }, { minLength: 2 }] } });
  });

  it('OpenAPI 3.0 keeps what it can say (nullable, anyOf for unions) and names what it cannot', () => {
    const { schema, gaps } = toDialect({ type: 'object', properties: { a: { type: ['integer', 'string', 'null'] }, b: { if: { type: 'string' }, then: { minLength: 1 } } }, dependentRequired: { a: ['b'] }, examples: [{ a: 1 }] }, 'openapi-3.0');
    expect(schema).toEqual({ type: 'object', example: { a: 1 }, properties: { a: { anyOf: [{ type: 'integer', nullable: true }, { type: 'string', nullable: true }] }, b: {} } });
    expect(gaps).toEqual([
      { pointer: '/properties/b', keyword: 'if' },
      { pointer: '/properties/b', keyword: 'then' },
      { pointer: '', keyword: 'dependentRequired' },
    ]);
    // ajv reads OpenAPI 3.0's nullable (and refuses one without a type, which 3.0.3 ignores).
    const oas = new Ajv({ strict: false }).compile(schema);
    expect([oas({ a: null }), oas({ a: 'x' }), oas({ a: 1 }), oas({ a: true })]).toEqual([true, true, true, false]);
  });

  it('OpenAPI 3.0: nullable only beside a type, and a type beside a $ref kept (ajv verdicts equal 2020-12 ones; openapi-spec-validator takes them)', () => {
    const P = { type: 'object', required: ['a'], properties: { a: { type: 'integer' } } };
    const cases: Record<string, unknown> = {
      union: { type: ['integer', 'string', 'null'] },
      refTyped: { $ref: '#/components/schemas/P', type: 'object', description: 'kept beside' },
      refNullable: { $ref: '#/components/schemas/P', nullable: true },
      anyOfNullable: { anyOf: [{ type: 'integer' }, { type: 'string' }], nullable: true },
      refTypeArray: { $ref: '#/components/schemas/P', type: ['object', 'null'] },
    };
    // What each case means in 2020-12 (`nullable`, no keyword there, read as the author's "or null").
    const meaning: Record<string, unknown> = { ...cases, refNullable: { anyOf: [{ $ref: '#/$defs/P' }, { type: 'null' }] }, anyOfNullable: { anyOf: [{ type: 'integer' }, { type: 'string' }, { type: 'null' }] } };
    const samples = [null, 1, 'x', true, {}, { a: 1 }, { a: 'x' }];
    const ajv30 = new Ajv({ strict: false });
    const ajv20 = new Ajv2020({ strict: false });
    const converted: Record<string, unknown> = {};
    for (const [name, c] of Object.entries(cases)) {
      const { schema, gaps } = toDialect(c, 'openapi-3.0');
      expect(gaps).toEqual([]);
      converted[name] = schema;
      // ajv compiles it: no nullable without a type anywhere (ajv refuses one, as 3.0.3 ignores it).
      const f30 = ajv30.compile({ ...JSON.parse(JSON.stringify(schema).replace(/#\/components\/schemas\//g, '#/definitions/')), definitions: { P: toDialect(P, 'openapi-3.0').schema } });
      const f20 = ajv20.compile({ ...JSON.parse(JSON.stringify(meaning[name]).replace(/#\/components\/schemas\//g, '#/$defs/')), $defs: { P } });
      for (const v of samples) expect([name, v, f30(v)]).toEqual([name, v, f20(v)]);
    }
    expect(converted.refTyped).toEqual({ description: 'kept beside', allOf: [{ $ref: '#/components/schemas/P' }], type: 'object' });
    expect(converted.union).toEqual({ anyOf: [{ type: 'integer', nullable: true }, { type: 'string', nullable: true }] });
    // What real documents hold and both dialects reject: a repeated enum value, a default of another type.
    expect(toDialect({ type: 'string', enum: ['a', 'a', 'b'], default: null }, 'openapi-3.0').schema).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(toDialect({ type: 'integer', default: '20 - x' }, 'draft-04').schema).toEqual({ type: 'integer' });
    expect(toDialect({ type: ['string', 'null'], default: null }, 'openapi-3.0').schema).toEqual({ type: 'string', nullable: true, default: null });
    const doc = { openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {}, components: { schemas: { P: toDialect(P, 'openapi-3.0').schema, ...converted } } };
    expect(openApiErrors(doc)).toBe('');
  });
});

function gateway(route: Record<string, unknown>, schemas: Record<string, unknown> = {}) {
  return toGatewaySpec({
    name: 'c',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    components: { schemas: { Item: { type: 'object', properties: { name: { type: 'string' } } }, ...schemas } },
    routes: [{ id: 'put', method: 'PUT', path: '/items/{id}', backend: 'api', auth: 'none', validation: { contract: true }, ...route }],
  });
}

const all = (spec: ReturnType<typeof gateway>) => ({
  aws: refusals(() => compileAws(spec)),
  azure: refusals(() => compileAzure(spec)),
  apigee: refusals(() => compileApigee(spec)),
  kubernetes: refusals(() => compileKubernetes(spec)),
});

describe('validation.contract', () => {
  it('reads the published parameters (declared, and the path) and the body by media type, $refs followed', () => {
    const spec = toGatewaySpec({
      name: 'c',
      backends: { api: { type: 'http', url: 'https://api.example.com' } },
      components: { parameters: { Limit: { name: 'limit', in: 'query', schema: { type: 'integer' } } }, schemas: { Item: { type: 'object' } } },
      routes: [{ id: 'put', method: 'PUT', path: '/items/{id+}', backend: 'api', auth: 'none', validation: { contract: { body: false } }, contract: { parameters: [{ $ref: '#/components/parameters/Limit' }], requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } } }],
    });
    const checks = contractChecks(spec.components, spec.routes[0]!)!;
    expect(checks.parts).toEqual({ parameters: true, body: false });
    expect(checks.parameters).toEqual([
      { in: 'query', name: 'limit', required: false, schema: { type: 'integer' }, where: 'routes[id=put].contract.parameters[0]' },
      { in: 'path', name: 'id', required: true, schema: { type: 'string' }, where: 'routes[id=put].path' },
    ]);
    expect(checks.body).toBeUndefined();
  });

  it('is a located error beside bodySchema, or with no body to check', () => {
    const v = (route: Record<string, unknown>) => validateGateway({ name: 'c', backends: { api: { type: 'http', url: 'https://api.example.com' } }, routes: [{ id: 'r', method: 'POST', path: '/r', backend: 'api', auth: 'none', ...route }] }).issues.filter((i) => i.severity === 'error').map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(v({ validation: { contract: true, bodySchema: { type: 'object' } }, contract: { requestBody: { content: { 'application/json': {} } } } })).toEqual([expect.stringMatching(/^routes\.0\.validation\.bodySchema: the body has two schemas/)]);
    expect(v({ validation: { contract: { parameters: false } } })).toEqual([expect.stringMatching(/^routes\.0\.validation\.contract: validation\.contract checks the body, but the contract declares no requestBody/)]);
  });

  it('each target refuses by record what its validator would not check, naming the route and where', () => {
    const spec = gateway(
      {
        method: 'ANY',
        contract: {
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer' } }, { name: 'session', in: 'cookie', schema: { type: 'string' } }],
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Cond' } }, 'application/vnd.x+json': { schema: { type: 'object' } }, 'text/*': {} } },
        },
      },
      { Cond: { type: 'object', if: { required: ['a'] }, then: { required: ['b'] } } },
    );
    const got = all(spec);
    expect(got.kubernetes).toEqual([expect.stringMatching(/^put validation\.contract kubernetes: Envoy Gateway validates neither/)]);
    const has = (list: string[], re: RegExp) => expect(list.filter((l) => re.test(l))).not.toEqual([]);
    has(got.aws, /^put validation\.contract aws: routes\[id=put\]\.contract\.parameters\[0\] \(query parameter limit\): API Gateway models and request validators only checks that a required parameter is present/);
    has(got.aws, /cookie parameter session\): aws does not validate cookie parameters/);
    has(got.aws, /components\.schemas\.Cond \(checked by validation\.contract\): if cannot be said in JSON Schema draft-04/);
    has(got.aws, /"text\/\*" is a media range/);
    has(got.azure, /validation\.contract on an ANY route/);
    has(got.azure, /components\.schemas\.Cond .*: then cannot be said in the OpenAPI 3\.0 Schema Object \(APIM validate-content/);
    has(got.apigee, /content\["application\/vnd\.x\+json"\]: Apigee OASValidation checks a body's schema only when its type is application\/json/);
    expect(got.azure.some((l) => /parameters\[0\]/.test(l))).toBe(false);
  });

  it('Apigee refuses a greedy path (OASValidation matches the path against a one-segment template); AWS and Azure take it', () => {
    const got = all(gateway({ path: '/files/{path+}', contract: { requestBody: { content: { 'application/json': { schema: { type: 'object' } } } } } }));
    expect(got.apigee.filter((p) => p.includes('greedy path'))).toEqual([expect.stringMatching(/^put validation.contract apigee .*greedy path \(\/files\/\{path\+\}\)/)]);
    expect([got.aws, got.azure].flat().filter((p) => p.includes('greedy path'))).toEqual([]);
  });

  it('the same contract without what the validators cannot say compiles on aws, azure and apigee', () => {
    const spec = gateway({ contract: { parameters: [{ name: 'v', in: 'query', required: true, schema: { type: 'string' } }], requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } } });
    const got = all(spec);
    expect([got.aws, got.azure, got.apigee]).toEqual([[], [], []]);
    const files = compileApigee(spec).files;
    expect(files['policies/OAS-contract.xml']).toContain('<ValidateMessageBody>true</ValidateMessageBody>');
    expect(JSON.parse(files['resources/oas/anygate.json']!).components.schemas.Item).toEqual({ type: 'object', properties: { name: { type: 'string' } } });
  });
});
