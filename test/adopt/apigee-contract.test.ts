/**
 * The Apigee reader's contract read-back (lib/adopt/apigee-contract.ts) on what it must not take
 * whole: a contract document it cannot read, one that points outside itself, and operations no
 * flow serves. (Reading anygate's own contract back is the round trip of examples/contract on
 * apigee, test/adopt/roundtrip.test.ts.)
 */
import * as path from 'node:path';
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, sourceTreeOf } from '../../lib/adopt';
import { loadSpecFile } from '../../lib/model/load';
import { validateGateway } from '../../lib/model/normalize';

const CONTRACT = 'apiproxy/resources/oas/contract.json';
const bundle = emittedTree(loadSpecFile(path.join(__dirname, '..', '..', 'examples', 'contract', 'gateway.yaml')).spec, 'apigee');
const document = () => JSON.parse(bundle.files.get(CONTRACT)!) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
/** The bundle with its contract.json replaced by `text`. */
const withContract = (text: string) => adopt('apigee', sourceTreeOf('apigee', { ...Object.fromEntries(bundle.files), [CONTRACT]: text }));
const contractFindings = (r: ReturnType<typeof adopt>) => r.findings.filter((f) => f.file === CONTRACT);

describe('the Apigee contract read back', () => {
  it('gives each route its contract, description and tags, and the components', () => {
    const input = withContract(bundle.files.get(CONTRACT)!).input as { routes: { id: string; tags?: string[]; contract?: { summary?: string } }[]; components?: { schemas?: Record<string, unknown> } };
    expect(input.routes.map((r) => [r.id, r.contract?.summary, r.tags]).sort()).toEqual([
      ['createPayment', 'Create a payment', ['payments']],
      ['getPayment', 'One payment', ['payments']],
      ['listPayments', 'Payments, newest first', ['payments']],
    ]);
    // Back in the model's OpenAPI 3.1 form: 3.0's `nullable` is a null type again.
    expect((input.components?.schemas?.Payment as { properties: { status: unknown } }).properties.status).toEqual({ type: ['string', 'null'], enum: ['pending', 'settled', 'refunded', null] });
    expect(validateGateway(input).errors).toEqual([]);
  });

  it('reports a document that is not OpenAPI as lost, and imports the rest', () => {
    const r = withContract('{"not": "openapi"}');
    expect(contractFindings(r)).toEqual([expect.objectContaining({ status: 'lost', construct: 'API contract', reason: expect.stringMatching(/not an OpenAPI document; `anygate import` of the file/) })]);
    expect((r.input as { routes: unknown[] }).routes).toHaveLength(3);
    expect((r.input as { components?: unknown }).components).toBeUndefined();
  });

  it('does not follow a $ref outside the document (nothing is read from disk): lost, naming the ref', () => {
    const doc = document();
    doc.components.schemas.Payment = { $ref: '../../../secrets.json#/x' };
    const r = withContract(JSON.stringify(doc));
    expect(contractFindings(r)).toEqual([expect.objectContaining({ status: 'lost', reason: expect.stringContaining('"../../../secrets.json#/x"') })]);
    expect((r.input as { routes: { contract?: unknown }[] }).routes.every((x) => x.contract === undefined)).toBe(true);
  });

  it('reports an operation no flow serves as lost, where it is, and reads the others', () => {
    const doc = document();
    doc.paths['/refunds'] = { post: { summary: 'Refund', responses: { '201': { description: 'Refunded' } } } };
    const r = withContract(JSON.stringify(doc));
    expect(contractFindings(r).filter((f) => f.status !== 'mapped')).toEqual([expect.objectContaining({ status: 'lost', at: '/paths/~1refunds/post', construct: 'contract of POST /refunds', reason: expect.stringMatching(/no flow of the proxy serves POST \/refunds/) })]);
    expect((r.input as { routes: { contract?: unknown }[] }).routes.filter((x) => x.contract)).toHaveLength(3);
  });

  it('reports a local $ref that leads nowhere as lost, at the ref', () => {
    const doc = document();
    (doc.paths['/payments']!.get as { responses: Record<string, unknown> }).responses['200'] = { $ref: '#/components/responses/Missing' };
    const lost = contractFindings(withContract(JSON.stringify(doc))).filter((f) => f.status === 'lost');
    expect(lost).toEqual([expect.objectContaining({ construct: 'contract part', at: '/paths/~1payments/get/responses/200', reason: expect.stringContaining('Missing') })]);
  });
});
