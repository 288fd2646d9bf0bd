/**
 * The Apigee reader on anygate's own steps of examples/petstore: the body template and redaction
 * scripts (jsc://anygate.js, whose properties hold the spec), the caller's credential in a
 * ResponseCache key (anygate's own key part, not the spec's cache.key), a JWT's required claims,
 * a header set from a verified claim, and request validation (the 400 RaiseFault, OASValidation
 * against the bundle's anygate.json).
 */
import * as path from 'node:path';
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, sourceTreeOf } from '../../lib/adopt';
import { loadSpecFile } from '../../lib/model/load';

const bundle = emittedTree(loadSpecFile(path.join(__dirname, '..', '..', 'examples', 'petstore', 'gateway.yaml')).spec, 'apigee');
const read = (edit: Record<string, string> = {}) => adopt('apigee', sourceTreeOf('apigee', { ...Object.fromEntries(bundle.files), ...edit }));
const route = (r: ReturnType<typeof adopt>, id: string) => (r.input as { routes: Record<string, any>[] }).routes.find((x) => x.id === id)!;

describe("anygate's own Apigee steps read back", () => {
  it('reads the body template and the redacted paths from the scripts’ properties', () => {
    const r = read();
    expect(route(r, 'createOrder').transform.request.body).toEqual({ channel: 'partner-api', petId: '${body.petId}', quantity: '${body.quantity}' });
    expect(route(r, 'getOrder').transform.response.redact).toEqual(['customer.email', 'payment.card']);
    expect(r.findings.filter((f) => /^Javascript: anygate's (body template|response redaction)$/.test(f.construct)).map((f) => f.mappedTo).sort()).toEqual(['transform.request.body', 'transform.response.redact']);
  });

  it('reports a script that is not anygate’s, or whose template is not JSON, as lost', () => {
    const file = 'apiproxy/policies/JS-body-createOrder.xml';
    const r = read({ [file]: bundle.files.get(file)!.replace(/<Property name="template">[^<]*<\/Property>/, '<Property name="template">{not json</Property>') });
    expect(route(r, 'createOrder').transform?.request?.body).toBeUndefined();
    expect(r.findings.filter((f) => f.file === file)).toEqual([expect.objectContaining({ status: 'lost', construct: 'Javascript', reason: expect.stringContaining('code is not translated') })]);
  });

  it('leaves the caller’s credential out of the cache key the spec says', () => {
    const r = read();
    for (const id of ['getPet', 'listPets']) expect(route(r, id).cache.key?.headers ?? []).not.toContain('Authorization');
  });

  it('reads the required claims of VerifyJWT (their values from the variables anygate assigns) and a claim header', () => {
    const r = read();
    expect((r.input as { authorizers: Record<string, any> }).authorizers.jwt.requiredClaims).toEqual({ tenant: 'petstore' });
    expect(route(r, 'listPets').transform.request.setHeaders).toEqual(expect.objectContaining({ 'x-tenant': '${claim.tenant}' }));
  });

  it('reports a claim checked against a variable it cannot read', () => {
    const file = 'apiproxy/policies/JWT-jwt.xml';
    const r = read({ [file]: bundle.files.get(file)!.replace('ref="anygate.jwt.jwt.claim0"', 'ref="request.header.x-tenant"') });
    expect((r.input as { authorizers: Record<string, any> }).authorizers.jwt.requiredClaims).toBeUndefined();
    expect(r.findings.filter((f) => f.file === file)).toEqual([expect.objectContaining({ status: 'partial', reason: expect.stringContaining('the claim tenant is checked against the variable request.header.x-tenant, not a literal') })]);
  });

  it('reads the 400 RaiseFault as required headers and the OASValidation as the body schema of the route', () => {
    const r = read();
    expect(route(r, 'createPet').validation).toEqual({ requiredHeaders: ['Content-Type'], bodySchema: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, species: { type: 'string' } } } });
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'mapped', file: 'apiproxy/resources/oas/anygate.json', at: '/paths/~1pets/post/requestBody', mappedTo: 'routes[].validation.bodySchema' })]));
  });

  it('reports a validated body the bundle has no schema for as lost', () => {
    const file = 'apiproxy/resources/oas/anygate.json';
    const r = read({ [file]: JSON.stringify({ openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: {} }) });
    expect(route(r, 'createPet').validation).toEqual({ requiredHeaders: ['Content-Type'] });
    expect(r.findings.filter((f) => f.construct === 'validated request body (OASValidation)')).toEqual([expect.objectContaining({ status: 'lost', reason: expect.stringContaining('no JSON body schema for POST /pets') })]);
  });

  it('reads the function backend from its target (Google ID token, audience from anygate’s KVM)', () => {
    const r = read();
    expect((r.input as { backends: Record<string, any> }).backends[route(r, 'createOrder').backend]).toEqual({ type: 'function', binding: 'orders-fn' });
    expect(r.findings.filter((f) => f.file === 'apiproxy/policies/KVM-audience-orders-fn.xml').map((f) => f.status)).toEqual(['mapped']);
  });

  it('reads the path rewrite from its script, and its target as the backend it rewrites to', () => {
    const r = read();
    expect(route(r, 'getPet').transform.request.rewritePath).toBe('/api/pets/{petId}');
    expect(route(r, 'getPet').backend).toBe('pets');
    expect(Object.keys((r.input as { backends: Record<string, unknown> }).backends)).not.toContain('pets-rewrite');
  });
});
