/** Specs shared by the domain tests: one plain gateway, and the same gateway with domains added. */
export const ACM = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
export const ACM_US_EAST_1 = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
export const KEY_VAULT = 'https://shop-vault.vault.azure.net/secrets/api-cert';
export const THUMB = 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678';

/** A gateway with a key plan (stateful resources: API, stages, keys, plans) and two stages. */
export function plainSpec(): Record<string, any> {
  return {
    name: 'shop',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { key: { type: 'apiKey' } },
    plans: { basic: { quota: { limit: 100, period: 'day' } } },
    consumers: { acme: { plan: 'basic' } },
    routes: [
      { id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'key' },
      { id: 'health', method: 'GET', path: '/health', backend: 'api', auth: 'none' },
    ],
    stages: { dev: {}, prod: {} },
  };
}

/** Every cloud's certificate for one host. */
export const certificates = { aws: ACM, azure: KEY_VAULT, apigee: 'google-managed', kubernetes: 'shop-tls' };

/** The plain gateway with a custom domain on prod, mutual TLS, and a second (multi-level) domain on dev. */
export function domainSpec(): Record<string, any> {
  return {
    ...plainSpec(),
    domains: [
      { name: 'api.example.com', certificate: certificates, mtls: { truststore: { aws: 's3://shop-trust/ca.pem', azure: [THUMB], kubernetes: { name: 'shop-ca' } }, clientCertificate: { headers: { subject: 'X-Client-Subject', fingerprint: 'X-Client-Fingerprint' } } } },
      { name: 'dev.example.com', certificate: certificates, stage: 'dev', basePath: 'shop/v1' },
    ],
  };
}

/**
 * What every target can serve: one mTLS domain per stage (APIM, Apigee and Envoy route by path,
 * so a host adds no base path of its own), a Gateway to add listeners to for Kubernetes.
 */
export function portableSpec(): Record<string, any> {
  const s = domainSpec();
  delete s.domains[1].basePath;
  s.domains[1].mtls = s.domains[0].mtls;
  s.kubernetes = { createGateway: {} };
  return s;
}

/** A key-protected route and a public one behind an mTLS domain on prod (no certificate headers: AWS refuses them by record). */
export function mtlsInput(): Record<string, any> {
  return {
    ...plainSpec(),
    backends: { api: { type: 'http', url: 'http://localhost:1' } },
    stages: { prod: {} },
    kubernetes: { createGateway: {} },
    domains: [{ name: 'api.example.com', certificate: { aws: ACM, azure: KEY_VAULT, kubernetes: 'api-tls' }, mtls: { truststore: { aws: 's3://trust/ca.pem', azure: [THUMB], kubernetes: { name: 'ca' } } } }],
  };
}
