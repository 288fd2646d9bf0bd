/** PromQL, as Prometheus (Kubernetes) and Cloud Monitoring (Apigee) both read it. */

/** A range-vector duration: whole hours as `Nh`, else minutes as `Nm`. */
export const promDuration = (minutes: number): string => (minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`);
