/**
 * GatewayProps holds every top-level spec field the builder does not fill through a method: a
 * TypeScript spec can set versions, release, domains... and type-checks. Checked twice: by the type
 * assertion below (`npx tsc -p tsconfig.test.json`), and by the TypeScript compiler run on a user's
 * file here, against the schema's keys at run time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { Gateway, type BuiltByMethods, type GatewayProps } from '../../lib/model/builder';
import { GatewaySchema, type GatewayInput } from '../../lib/model/schema';

// A top-level field missing from GatewayProps makes this a type error naming it.
type Missing = Exclude<keyof GatewayInput, keyof GatewayProps | BuiltByMethods>;
const noneMissing: [Missing] extends [never] ? true : { missing: Missing } = true;

const root = path.join(__dirname, '..', '..');

/** The TypeScript compiler's errors on `source`, a user's file that imports the builder. */
function typeErrors(source: string): { errors: string[]; props: string[] } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'anygate-builder-props-')), 'gateway.ts');
  writeFileSync(file, source.replace(/ANYGATE/g, JSON.stringify(path.join(root, 'lib', 'model', 'builder'))));
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [] });
  const sf = program.getSourceFile(file)!;
  const errors = ts.getPreEmitDiagnostics(program, sf).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  // The properties of GatewayProps as the compiler sees them (the `props` declaration's type).
  const checker = program.getTypeChecker();
  let props: string[] = [];
  ts.forEachChild(sf, (n) => {
    if (ts.isTypeAliasDeclaration(n) && n.name.text === 'Props') props = checker.getPropertiesOfType(checker.getTypeAtLocation(n)).map((p) => p.name);
  });
  return { errors, props };
}

describe('GatewayProps', () => {
  it('type-checks a gateway with versions, a release, domains and the per-target blocks, and has every top-level field of the schema', () => {
    expect(noneMissing).toBe(true);
    const { errors, props } = typeErrors(`
import { Gateway, type GatewayProps } from ANYGATE;
export type Props = GatewayProps;
const gw = new Gateway({
  name: 'shop',
  basePath: '/api',
  versions: { scheme: 'path', list: [{ name: 'v1', deprecated: '2026-06-01' }, { name: 'v2' }] },
  release: { canary: { percent: 10, backend: 'items-next', of: 'items' } },
  domains: [{ name: 'api.example.com', certificate: { kubernetes: 'api-tls' } }],
  errors: 'native',
  ignoreWarnings: ['plan-unused'],
  azure: { sku: 'Basic' },
  kubernetes: { createGateway: {} },
});
gw.httpBackend('items', 'https://items.example.com');
// A misspelt field is still an error.
new Gateway({ name: 'x', verisons: {} });
`);
    expect(errors).toEqual([expect.stringMatching(/'verisons' does not exist in type 'GatewayProps'/)]);
    const builtByMethods: BuiltByMethods[] = ['backends', 'authorizers', 'plans', 'consumers', 'stages', 'routes', 'components'];
    expect(props.sort()).toEqual(Object.keys(GatewaySchema.shape).filter((k) => !builtByMethods.includes(k as BuiltByMethods)).sort());
  });

  it('passes the fields through to the spec', () => {
    const gw = new Gateway({
      name: 'shop',
      versions: { scheme: 'header', list: [{ name: 'v1' }, { name: 'v2' }] },
      domains: [{ name: 'api.example.com', certificate: { kubernetes: 'api-tls' } }],
      errors: 'native',
    });
    gw.httpBackend('items', 'https://items.example.com');
    gw.route('GET /items', { backend: 'items', auth: 'none' });
    const spec = gw.toSpec();
    expect([spec.versions?.list.map((v) => v.name), spec.domains?.map((d) => d.name), spec.errors]).toEqual([['v1', 'v2'], ['api.example.com'], 'native']);
  });
});
