/** One spec with objectives (gateway-wide and per route), dashboards and tracing, shared by the observability tests. */
import { baseSpec } from '../helpers';

export function observedSpec(): Record<string, any> {
  const s = baseSpec();
  s.routes[0].id = 'getItem';
  // Kubernetes reads a JWKS by URI (no OIDC discovery).
  s.authorizers.jwt.jwksUri = 'https://id.example.com/.well-known/jwks.json';
  s.observability = {
    tracing: true,
    dashboards: true,
    objectives: [
      {
        name: 'shop-slo',
        availability: 99.9,
        latency: { percentile: 99, thresholdMs: 800 },
        throttledPercent: 2,
        notify: {
          snsTopicArns: ['arn:aws:sns:us-east-1:123456789012:oncall'],
          actionGroupIds: ['/subscriptions/0000/resourceGroups/ops/providers/microsoft.insights/actionGroups/oncall'],
          notificationChannels: ['projects/shop-prod/notificationChannels/123'],
          alertmanagerReceiver: 'shop-oncall',
        },
      },
      { name: 'items-read', routes: ['getItem'], availability: 99.5, latency: { percentile: 90, thresholdMs: 300 }, windowDays: 7 },
    ],
  };
  return s;
}
