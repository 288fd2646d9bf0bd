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
    expect(byId.listPayments.responses['200']).toEqual({ description: 'A page of payments', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Payment' } } } } });
    expect(byId.createPayment.requestBody).toEqual({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Payment' } } } });
    const components = (r.input as { components: { schemas: Record<string, any> } }).components;
    expect(Object.keys(components.schemas).sort()).toEqual(['Error', 'Payment']);
    expect(components.schemas.Payment.properties.status).toEqual({ type: ['string', 'null'], enum: ['pending', 'settled', 'refunded', null] });
    expect(validateGateway(r.input).errors).toEqual([]);
  });

  it('reads a declared parameter’s description back into the contract, on path, query and header parameters', () => {
    // anygate writes the contract's descriptions (examples/contract has some); each is replaced here.
    const list = resources();
    const said = (o: Resource, at: (i: Record<string, any>) => { name: string; description?: string }[]) => at(o.inputs).forEach((p) => (p.description = `what ${p.name} is`));
    said(op(list, 'getPayment'), (i) => i.templateParameters);
    said(op(list, 'listPayments'), (i) => i.request.queryParameters);
    said(op(list, 'createPayment'), (i) => i.request.headers);
    const r = read(list);
    const byId = Object.fromEntries(routes(r).map((x) => [x.id, x.contract]));
    expect(byId.getPayment.parameters).toEqual([{ name: 'id', in: 'path', required: true, description: 'what id is', schema: { type: 'string' } }]);
    expect(byId.listPayments.parameters).toEqual([{ name: 'limit', in: 'query', description: 'what limit is', schema: { type: 'integer' } }]);
    expect(byId.createPayment.parameters).toEqual([{ name: 'Idempotency-Key', in: 'header', required: true, description: 'what Idempotency-Key is', schema: { type: 'string' } }]);
    // Without the descriptions the same parameters come back without one (none is invented).
    const bare = resources();
    for (const o of bare) for (const at of [o.inputs.templateParameters, o.inputs.request?.queryParameters, o.inputs.request?.headers]) for (const p of at ?? []) delete p.description;
    const plain = Object.fromEntries(routes(read(bare)).map((x) => [x.id, x.contract]));
    expect(plain.listPayments.parameters).toEqual([{ name: 'limit', in: 'query', schema: { type: 'integer' } }]);
    expect(validateGateway(r.input).errors).toEqual([]);
  });

  it('leaves out the contract of an operation naming a type the API schema does not hold, reported lost', () => {
    const list = resources();
    op(list, 'getPayment').inputs.responses[0].representations[0].typeName = 'Missing';
    const r = read(list);
    // What is left of getPayment's contract is its path parameter's description.
    expect(routes(r).find((x) => x.id === 'getPayment')!.contract).toEqual({ parameters: [{ name: 'id', in: 'path', required: true, description: 'The payment id', schema: { type: 'string' } }] });
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

describe('the Azure operation parameters and policies read back', () => {
  const petstore = emittedTree(loadSpecFile(path.join(__dirname, '..', '..', 'examples', 'petstore', 'gateway.yaml')).spec, 'azure');
  const [pFile, pText] = [...petstore.files][0]!;
  const readPetstore = (edit: (list: Resource[]) => void = () => {}) => {
    const list = JSON.parse(pText) as Resource[];
    edit(list);
    return adopt('azure', sourceTreeOf('azure', { [pFile]: JSON.stringify(list, null, 2) }));
  };
  const route = (r: ReturnType<typeof adopt>, id: string) => routes(r).find((x) => x.id === id) as Record<string, any>;

  it('reads declared parameters into the contract, typed; path parameters the path implies are not repeated', () => {
    const r = read(resources());
    expect(routes(r).find((x) => x.id === 'listPayments')!.contract.parameters).toEqual([{ name: 'limit', in: 'query', description: 'At most this many', schema: { type: 'integer' } }]);
    expect(routes(r).find((x) => x.id === 'createPayment')!.contract.parameters).toEqual([{ name: 'Idempotency-Key', in: 'header', required: true, description: 'Repeats of a key create one payment', schema: { type: 'string' } }]);
    // The path implies getPayment's id; only its description is said of it.
    expect(routes(r).find((x) => x.id === 'getPayment')!.contract.parameters).toEqual([{ name: 'id', in: 'path', required: true, description: 'The payment id', schema: { type: 'string' } }]);
    expect(r.findings.filter((f) => /parameter/.test(f.construct)).map((f) => [f.status, f.construct, f.mappedTo])).toEqual(
      expect.arrayContaining([
        ['mapped', 'declared query parameter', 'routes[].contract.parameters'],
        ['mapped', 'declared header parameter', 'routes[].contract.parameters'],
        ['mapped', 'declared path parameter', 'routes[].contract.parameters'],
      ]),
    );
    // A template parameter with nothing said of it is the path's, not repeated in the contract.
    const bare = resources();
    delete op(bare, 'getPayment').inputs.templateParameters[0].description;
    const b = read(bare);
    expect(routes(b).find((x) => x.id === 'getPayment')!.contract?.parameters).toBeUndefined();
    expect(b.findings.filter((f) => /parameter/.test(f.construct)).map((f) => [f.status, f.construct, f.mappedTo])).toEqual(expect.arrayContaining([['mapped', 'template parameter', 'the route path']]));
  });

  it('reads a parameter enum as the schema enum, and a parameter naming a type the API schema lacks as lost', () => {
    const list = resources();
    op(list, 'listPayments').inputs.request.queryParameters = [{ name: 'sort', type: 'string', required: false, values: ['asc', 'desc'] }];
    expect(routes(read(list)).find((x) => x.id === 'listPayments')!.contract.parameters).toEqual([{ name: 'sort', in: 'query', schema: { type: 'string', enum: ['asc', 'desc'] } }]);
    op(list, 'listPayments').inputs.request.queryParameters = [{ name: 'sort', type: 'string', required: false, schemaId: 'anygate-bodies', typeName: 'Nope' }];
    const r = read(list);
    expect(r.findings.filter((f) => f.status === 'lost' && /\(contract\)$/.test(f.construct))).toEqual([expect.objectContaining({ reason: expect.stringContaining('parameter sort names type "Nope"') })]);
  });

  it('reads validate-parameters with the required headers as validation, validate-content with the route’s body type as its bodySchema', () => {
    const createPet = route(readPetstore(), 'createPet');
    expect(createPet.validation).toEqual({ requiredHeaders: ['Content-Type'], bodySchema: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, species: { type: 'string' } } } });
    expect(createPet.contract).toBeUndefined();
  });

  it('does not take the caller’s credential for a cache key part the spec said, nor an operation parameter for it', () => {
    const getPet = route(readPetstore(), 'getPet');
    expect(getPet.cache.key?.headers ?? []).not.toContain('Authorization');
    expect(getPet.contract).toBeUndefined();
  });

  it('reads anygate’s body template and redaction back, and the subscription id as the consumer', () => {
    const r = readPetstore();
    expect(route(r, 'createOrder').transform.request.body).toEqual({ channel: 'partner-api', petId: '${body.petId}', quantity: '${body.quantity}' });
    expect(route(r, 'createOrder').transform.request.setHeaders?.['Content-Type']).toBeUndefined();
    expect(route(r, 'getOrder').transform.response.redact).toEqual(['customer.email', 'payment.card']);
    expect((r.input as any).consumers.acme).toEqual({ plan: 'gold', description: 'ACME Corp integration' });
  });

  it('reports a set-body it does not recognize as lost, where it is', () => {
    const r = readPetstore((list) => {
      const pol = list.find((x) => x.type === 'azure-native:apimanagement:ApiOperationPolicy' && x.inputs.operationId === 'createOrder')!;
      pol.inputs.value = pol.inputs.value.replace(/<set-body>@\{ var body[^<]*<\/set-body>/, '<set-body>@(context.Request.Body.As&lt;string&gt;().ToUpper())</set-body>');
    });
    expect(route(r, 'createOrder').transform?.request?.body).toBeUndefined();
    expect(r.findings.filter((f) => f.construct === 'set-body' && f.at.startsWith('/policies[1]/inbound[1]/set-body'))).toEqual([expect.objectContaining({ status: 'lost', at: '/policies[1]/inbound[1]/set-body[1]' })]);
  });
});
