/**
 * API Management ids for one stage. Products, subscriptions, named values, backends and rate-limit
 * counters live at service scope, so every id carries the stage: two stage stacks pointed at one
 * service never overwrite each other. The API path carries the stage too (`prod/v1`), as API
 * Gateway's stage URL does, since two APIs in one service need distinct paths.
 */
export interface ApimNames {
  readonly api: string;
  /** API URL suffix: `<stage>` plus the basePath. */
  readonly path: string;
  readonly versionSet: string;
  readonly product: (plan: string) => string;
  readonly subscription: (consumer: string) => string;
  readonly backend: (backend: string) => string;
  readonly stageVariable: (name: string) => string;
  readonly functionUrl: (binding: string) => string;
  readonly functionKey: (binding: string) => string;
  /** rate-limit-by-key counters are shared by the whole service: prefix them with the API. */
  readonly counter: (what: string) => string;
  readonly logger: string;
}

export function apimNames(gateway: string, basePath: string, stage: string): ApimNames {
  const api = `${gateway}-${stage}`;
  const nv = (s: string) => `${api}-${s}`.replace(/_/g, '-').toLowerCase();
  return {
    api,
    path: basePath === '/' ? stage : `${stage}${basePath}`,
    versionSet: `${api}-versions`,
    product: (p) => `${api}-${p}`,
    subscription: (c) => `${api}-${c}`,
    backend: (b) => `${api}-${b}`,
    stageVariable: (n) => nv(`var-${n}`),
    functionUrl: (b) => nv(`fn-${b}-url`),
    functionKey: (b) => nv(`fn-${b}-key`),
    counter: (what) => `${api}-${what}`,
    logger: `${api}-appinsights`,
  };
}
