/**
 * CORS as each profile's gateway answers it: preflights (OPTIONS with Origin and
 * Access-Control-Request-Method) and the headers added to actual responses. AWS answers
 * preflights with its OPTIONS mock (204, the Allow-Origin echoed only for a listed origin: see
 * providers/aws/cors.ts); APIM's cors policy and Apigee's CORS policy answer 200.
 */
import { allowOriginValue, originAllowed, preflightMethods } from '../lib/model/cors';
import { kubernetesPreflightRefused } from '../lib/capabilities/targets/kubernetes-differences';
import type { CorsSpec } from '../lib/model/types';
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
