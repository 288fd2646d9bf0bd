/**
 * One gateway, three stages: each stage has its own backend URL, throttle, log level and tracing.
 * Deploy one Pulumi stack (Azure) or one CDK Stage per stage; Apigee maps stages to environments.
 */
import { Gateway } from 'anygate';

const gw = new Gateway({
  name: 'orders',
  version: '3.0.0',
  basePath: '/orders-api',
  defaults: { auth: 'none', timeoutMs: 5000 },
  observability: { accessLogs: true, logRetentionDays: 14 },
});

const orders = gw.httpBackend('orders', 'https://orders.prod.example.com');
const jwt = gw.jwtAuthorizer('staff', {
  issuer: 'https://login.example.com/',
  audiences: ['orders-api'],
  jwksUri: 'https://login.example.com/keys',
});

gw.addStage('dev', { backends: { orders: { url: 'https://orders.dev.example.com' } }, logLevel: 'info', tracing: true, variables: { region: 'eu-dev' } });
gw.addStage('staging', { backends: { orders: { url: 'https://orders.staging.example.com' } }, throttle: { requestsPerSecond: 50 }, variables: { region: 'eu-staging' } });
gw.addStage('prod', { throttle: { requestsPerSecond: 1000, burst: 2000 }, variables: { region: 'eu-prod' } });

gw.route('GET /orders', { backend: orders, cache: { ttlSeconds: 30, key: { query: ['page'] } } });
gw.route('GET /orders/{id}', { backend: orders, transform: { request: { setHeaders: { 'x-region': '${stage.region}' } } } });
gw.route('POST /orders', { backend: orders, auth: [jwt], scopes: ['orders:write'], rateLimit: { requestsPerSecond: 10 } });
gw.route('DELETE /orders/{id}', { backend: orders, auth: [jwt], scopes: ['orders:admin'] });

export default gw;
