/**
 * CORS as each profile's gateway answers it: preflights (OPTIONS with Origin and
 * Access-Control-Request-Method) and the headers added to actual responses. AWS answers
 * preflights with its OPTIONS mock (204, the Allow-Origin echoed only for a listed origin: see
 * providers/aws/cors.ts); APIM's cors policy and Apigee's CORS policy answer 200.
 */
import { allowOriginValue, originAllowed, preflightMethods } from '../lib/model/cors';
import { kubernetesPreflightRefused } from '../lib/capabilities/targets/kubernetes-differences';
import type { CorsSpec, GatewaySpec } from '../lib/model/types';
import { needsTransformFunction } from '../providers/aws/integration';
import type { Profile } from './profiles';

/** The preflight response for a path whose routes take `methods`; `requestId` goes into kubernetes' refusal body. */
export function preflight(profile: Profile, cors: CorsSpec, origin: string | undefined, methods: string[], requestId = ''): { status: number; headers: Record<string, string>; body?: string } {
  const headers: Record<string, string> = { vary: 'Origin' };
  if (originAllowed(cors, origin)) {
    headers['access-control-allow-origin'] = allowOriginValue(cors, origin);
    headers['access-control-allow-methods'] = preflightMethods(cors, methods).join(',');
    headers['access-control-allow-headers'] = cors.allowHeaders.join(',');
    headers['access-control-max-age'] = String(cors.maxAgeSeconds);
    if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  }
  else if (profile === 'kubernetes') return { status: 403, headers: { 'content-type': 'application/json' }, body: kubernetesPreflightRefused(requestId) };
  return { status: profile === 'aws' ? 204 : 200, headers };
}

/** Adds the CORS headers of an actual response (in place). */
export function decorate(cors: CorsSpec, origin: string | undefined, headers: Record<string, string>): void {
  if (!originAllowed(cors, origin)) return;
  headers['access-control-allow-origin'] = allowOriginValue(cors, origin);
  headers.vary = headers.vary && !/\borigin\b/i.test(headers.vary) ? `${headers.vary}, Origin` : 'Origin';
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (cors.exposeHeaders.length) headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
}

/**
 * The routes whose answers deployed API Gateway passes through unchanged (proxy integrations: an
 * HTTP or function backend not sent through the generated transform function), as
 * providers/aws/compile.ts decides them. Dev adds CORS headers to their answers; on AWS only their
 * backends can (synth --target aws warns so). The rename of path parameters does not change the
 * decision, so none is given.
 */
export function awsProxiedRoutes(spec: GatewaySpec, isLlm: (backend: string) => boolean): string[] {
  return spec.routes.filter((r) => ['http', 'function'].includes(spec.backends[r.backend].type) && !isLlm(r.backend) && !needsTransformFunction(r, {})).map((r) => r.id);
}

/** The start banner's line on the aws profile when CORS meets proxied routes: where dev's answers differ from deployed AWS. */
export function awsCorsDifference(spec: GatewaySpec, isLlm: (backend: string) => boolean): string | undefined {
  if (!spec.cors) return undefined;
  const routes = awsProxiedRoutes(spec, isLlm);
  if (!routes.length) return undefined;
  const named = routes.length > 5 ? `${routes.slice(0, 5).join(', ')} and ${routes.length - 5} more` : routes.join(', ');
  return `CORS on aws: dev adds Access-Control-Allow-Origin to the answers of proxied routes (${named}), but deployed API Gateway passes their backends' answers through unchanged: there the backends must send the CORS headers themselves (synth --target aws warns the same)`;
}
