/**
 * The Azure reader's contract read-back (lib/adopt/azure-contract.ts) on what it must not take
 * whole: a representation naming a type the API schema does not hold, and an API schema whose
 * types point outside it. (Reading anygate's own contract back is the round trip of
 * examples/contract on azure, test/adopt/roundtrip.test.ts.)
 */
import * as path from 'node:path';
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, sourceTreeOf } from '../../lib/adopt';
import { loadSpecFile } from '../../lib/model/load';
import { validateGateway } from '../../lib/model/normalize';

type Resource = { type: string; inputs: Record<string, any> };
const tree = emittedTree(loadSpecFile(path.join(__dirname, '..', '..', 'examples', 'contract', 'gateway.yaml')).spec, 'azure');
const [file, text] = [...tree.files][0]!;
const resources = () => JSON.parse(text) as Resource[];
const read = (list: Resource[]) => adopt('azure', sourceTreeOf('azure', { [file]: JSON.stringify(list, null, 2) }));
const routes = (r: ReturnType<typeof adopt>) => (r.input as { routes: { id: string; contract?: any }[] }).routes;
const op = (list: Resource[], id: string) => list.find((r) => r.type === 'azure-native:apimanagement:ApiOperation' && r.inputs.operationId === id)!;
const schema = (list: Resource[]) => list.find((r) => r.type === 'azure-native:apimanagement:ApiSchema')!;

describe('the Azure contract read back', () => {
  it('gives a route its own hoisted type inline and a shared one as a component reference, in 3.1 form', () => {
    const r = read(resources());
    const byId = Object.fromEntries(routes(r).map((x) => [x.id, x.contract]));
    // listPaymentsResponse200 is the route's own type: inline, and not a component.
    expect(byId.listPayments.responses['200']).toEqual({ description: 'A page of payments', content: { 'application/json': { schema: { type: 'array' } } } });
    expect(byId.createPayment.requestBody).toEqual({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Payment' } } } });
    const components = (r.input as { components: { schemas: Record<string, any> } }).components;
    expect(Object.keys(components.schemas).sort()).toEqual(['Error', 'Payment']);
    expect(components.schemas.Payment.properties.status).toEqual({ type: ['string', 'null'], enum: ['pending', 'settled', 'refunded', null] });
    expect(validateGateway(r.input).errors).toEqual([]);
  });

  it('leaves out the contract of an operation naming a type the API schema does not hold, reported lost', () => {
    const list = resources();
    op(list, 'getPayment').inputs.responses[0].representations[0].typeName = 'Missing';
    const r = read(list);
    expect(routes(r).find((x) => x.id === 'getPayment')!.contract).toBeUndefined();
    expect(routes(r).find((x) => x.id === 'listPayments')!.contract).toBeDefined();
    expect(r.findings.filter((f) => f.status === 'lost' && /\(contract\)$/.test(f.construct))).toEqual([
      expect.objectContaining({ construct: 'operation representations and responses (contract)', reason: expect.stringContaining('names type "Missing"') }),
    ]);
  });

  it('does not read an API schema whose types refer outside it: every contract part reported lost', () => {
    const list = resources();
    schema(list).inputs.components.schemas.Error = { $ref: 'https://example.com/error.json' };
    const r = read(list);
    expect(routes(r).every((x) => x.contract === undefined)).toBe(true);
    expect((r.input as { components?: unknown }).components).toBeUndefined();
    const lost = r.findings.filter((f) => f.status === 'lost' && /\(contract\)$/.test(f.construct));
    expect(lost.map((f) => f.construct).sort()).toEqual(['API schema (contract)', ...routes(r).map(() => 'operation representations and responses (contract)')]);
    for (const f of lost) expect(f.reason).toContain('"https://example.com/error.json"');
  });
});
