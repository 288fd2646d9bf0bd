/**
 * The petstore gateway: every feature of the model in one realistic API. gateway.yaml beside this
 * file is the same gateway in YAML; both load to the identical GatewaySpec (tested).
 */
import { Gateway } from 'anygate';

const gw = new Gateway({
  name: 'petstore',
  version: '1.2.0',
  basePath: '/v1',
  description: 'Pets, orders and store inventory',
  cors: {
    allowOrigins: ['https://shop.example.com', 'https://admin.example.com'],
    allowHeaders: ['Authorization', 'Content-Type', 'x-api-key'],
    exposeHeaders: ['x-request-id'],
    allowCredentials: true,
    maxAgeSeconds: 3600,
  },
  ipRules: { deny: ['198.51.100.0/24', '2001:db8:dead::/48'] },
  defaults: { timeoutMs: 10000 },
  observability: { accessLogs: true, logRetentionDays: 90, tracing: true, logLevel: 'error' },
});

const pets = gw.httpBackend('pets', 'https://pets.internal.example.com', { timeoutMs: 8000 });
const orders = gw.functionBackend('orders', { binding: 'orders-fn' });
const status = gw.mockBackend('status', { statusCode: 200, body: { status: 'ok' }, headers: { 'cache-control': 'no-store' } });

const jwt = gw.jwtAuthorizer('jwt', {
  issuer: 'https://login.example.com/',
  audiences: ['petstore-api'],
  jwksUri: 'https://login.example.com/.well-known/jwks.json',
  algorithms: ['RS256', 'PS256'],
  requiredClaims: { tenant: 'petstore' },
});
const apiKey = gw.apiKeyAuthorizer('partner-key');

const free = gw.addPlan('free', {
  description: 'Evaluation tier',
  quota: { limit: 1000, period: 'day' },
  rateLimit: { requestsPerSecond: 2, burst: 5 },
});
const gold = gw.addPlan('gold', {
  description: 'Production partners',
  quota: { limit: 1000000, period: 'month' },
  rateLimit: { requestsPerSecond: 100, burst: 200 },
});
gw.addConsumer('acme', { plan: gold, description: 'ACME Corp integration' });
gw.addConsumer('trial-user', { plan: free });

gw.addStage('dev', {
  description: 'Development',
  variables: { environment: 'dev' },
  backends: { pets: { url: 'https://pets.dev.example.com' } },
  logLevel: 'info',
});
gw.addStage('prod', {
  description: 'Production',
  variables: { environment: 'prod' },
  throttle: { requestsPerSecond: 500, burst: 1000 },
});

gw.route('GET /pets', {
  id: 'listPets',
  backend: pets,
  auth: [jwt],
  scopes: ['pets:read'],
  cache: { ttlSeconds: 60, key: { query: ['limit', 'species'], headers: ['Accept-Language'] } },
  transform: { request: { setHeaders: { 'x-tenant': '${claim.tenant}' }, removeQuery: ['debug'] } },
  tags: ['pets'],
});
gw.route('GET /pets/{petId}', {
  id: 'getPet',
  backend: pets,
  auth: [jwt],
  scopes: ['pets:read'],
  cache: { ttlSeconds: 300 },
  transform: {
    request: { rewritePath: '/api/pets/{petId}', setQuery: { source: 'gateway' } },
    response: { setHeaders: { 'x-served-by': 'anygate' }, removeHeaders: ['server'] },
  },
  tags: ['pets'],
});
gw.route('POST /pets', {
  id: 'createPet',
  backend: pets,
  auth: [jwt],
  scopes: ['pets:write'],
  rateLimit: { requestsPerSecond: 10, burst: 20 },
  validation: {
    requiredHeaders: ['Content-Type'],
    bodySchema: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, species: { type: 'string' } } },
  },
  tags: ['pets'],
});
gw.route('POST /orders', {
  id: 'createOrder',
  backend: orders,
  auth: [apiKey],
  rateLimit: { requestsPerSecond: 50, burst: 100 },
  transform: { request: { body: { petId: '${body.petId}', quantity: '${body.quantity}', channel: 'partner-api' } } },
  tags: ['orders'],
});
gw.route('GET /orders/{orderId}', {
  id: 'getOrder',
  backend: orders,
  auth: [apiKey],
  transform: { response: { redact: ['customer.email', 'payment.card'] } },
  tags: ['orders'],
});
gw.route('ANY /files/{path+}', {
  id: 'files',
  backend: pets,
  auth: [jwt],
  scopes: ['files'],
  timeoutMs: 20000,
  tags: ['files'],
});
gw.route('GET /status', { id: 'status', backend: status, auth: 'none', tags: ['ops'] });

export default gw;
