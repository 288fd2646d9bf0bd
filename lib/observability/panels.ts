/**
 * The six panels every target's dashboard shows, in order (docs/observability.md): the CloudWatch
 * and Grafana dashboards were written with these titles; the Azure workbook and the Cloud
 * Monitoring dashboard are built from this list, and test/observability/panels.test.ts holds all
 * four to it.
 */
export const DASHBOARD_PANELS = {
  requests: 'Requests',
  errors: 'Errors by class',
  latency: 'Latency p50 / p90 / p99 (ms)',
  throttled: 'Throttled (429)',
  cache: 'Cache hit ratio',
  consumers: 'Top consumers',
} as const;

/** The percentiles of the latency panel. */
export const DASHBOARD_PERCENTILES = [50, 90, 99] as const;
