/**
 * Apigee X distributed tracing (`tracing: true`): the environment's trace config, which turns on
 * Cloud Trace for every proxy in it. @pulumi/gcp (9.37) has no resource for it, so this is a small
 * Pulumi dynamic resource over the one API call Apigee documents for it:
 * `PATCH https://apigee.googleapis.com/v1/organizations/{org}/environments/{env}/traceConfig` with
 * `{ exporter: CLOUD_TRACE, endpoint: <project>, samplingConfig: { sampler: PROBABILITY,
 * samplingRate } }` (GoogleCloudApigeeV1TraceConfig; the rate must be in (0, 0.5]). Deleting it
 * sets the sampler to OFF (Apigee's default): the config itself cannot be deleted. The bearer
 * token is the deployer's (gcp.organizations.getClientConfig), passed as a secret input; the HTTP
 * transport is injectable so the provider's functions are tested offline.
 */
import * as pulumi from '@pulumi/pulumi';
import { TRACE_SAMPLING_RATE } from './observability';

/** What the resource is given (and keeps as its state). */
export interface TraceConfigInputs {
  /** The Apigee organization. */
  readonly org: string;
  /** The environment whose proxies are traced. */
  readonly environment: string;
  /** The Google Cloud project Cloud Trace stores the spans in. */
  readonly project: string;
  /** Share of requests traced, in (0, 0.5]. */
  readonly samplingRate: number;
  /** OAuth access token of the deployer (secret). */
  readonly accessToken: string;
}

/** The body of a trace config (GoogleCloudApigeeV1TraceConfig). */
export interface TraceConfigBody {
  readonly exporter: 'CLOUD_TRACE';
  readonly endpoint: string;
  readonly samplingConfig: { readonly sampler: 'PROBABILITY'; readonly samplingRate: number } | { readonly sampler: 'OFF' };
}

export interface TraceRequest {
  readonly method: 'PATCH';
  readonly url: string;
  readonly token: string;
  readonly body: TraceConfigBody;
}

/** Sends a request; resolves to the status and the parsed body (or the text when not JSON). */
export type TraceTransport = (req: TraceRequest) => Promise<{ readonly status: number; readonly body: unknown }>;

/** The trace config's URL. */
export function traceConfigUrl(org: string, environment: string): string {
  return `https://apigee.googleapis.com/v1/organizations/${encodeURIComponent(org)}/environments/${encodeURIComponent(environment)}/traceConfig`;
}

/** The config that sends a share of the environment's requests to Cloud Trace in `project`. */
export function traceConfigOn(project: string, samplingRate: number): TraceConfigBody {
  if (!(samplingRate > 0 && samplingRate <= 0.5)) throw new Error(`Apigee trace sampling rate ${samplingRate}: Apigee accepts more than 0 and at most 0.5`);
  return { exporter: 'CLOUD_TRACE', endpoint: project, samplingConfig: { sampler: 'PROBABILITY', samplingRate } };
}

/** The config with tracing off (the sampler Apigee starts with). */
export function traceConfigOff(project: string): TraceConfigBody {
  return { exporter: 'CLOUD_TRACE', endpoint: project, samplingConfig: { sampler: 'OFF' } };
}

/** The transport of a deployment: fetch (Node 18+). */
export const fetchTransport: TraceTransport = async (req) => {
  const res = await fetch(req.url, { method: req.method, headers: { authorization: `Bearer ${req.token}`, 'content-type': 'application/json' }, body: JSON.stringify(req.body) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the error message.
  }
  return { status: res.status, body };
};

const REPLACED_BY = ['org', 'environment'] as const;
const UPDATED_BY = ['project', 'samplingRate'] as const;

/**
 * The provider's functions over a transport. Create and update PATCH the config on, delete PATCHes
 * it off; a new organization or environment replaces the resource (the old one is turned off);
 * the access token never causes a change (it is new on every run).
 * `fallbackToken` is read when the stored token has expired (delete runs with the token of the
 * last update): GOOGLE_OAUTH_ACCESS_TOKEN, which the Google provider reads too.
 */
export function traceConfigProvider(transport: TraceTransport = fetchTransport, fallbackToken: () => string | undefined = () => process.env.GOOGLE_OAUTH_ACCESS_TOKEN): pulumi.dynamic.ResourceProvider {
  const patch = async (i: TraceConfigInputs, body: TraceConfigBody, what: string): Promise<void> => {
    const url = traceConfigUrl(i.org, i.environment);
    let res = await transport({ method: 'PATCH', url, token: i.accessToken, body });
    const fresh = res.status === 401 ? fallbackToken() : undefined;
    if (fresh) res = await transport({ method: 'PATCH', url, token: fresh, body });
    if (res.status >= 200 && res.status < 300) return;
    const detail = typeof res.body === 'object' && res.body !== null && 'error' in res.body ? JSON.stringify((res.body as { error: unknown }).error) : String(res.body);
    const hint =
      res.status === 401
        ? ' (the access token has expired: set GOOGLE_OAUTH_ACCESS_TOKEN=$(gcloud auth print-access-token) and run again)'
        : res.status === 403
          ? ' (the deployer needs apigee.environments.updateTraceConfig, e.g. roles/apigee.environmentAdmin)'
          : '';
    throw new Error(`Apigee trace config of ${i.org}/${i.environment}: ${what} failed with HTTP ${res.status}${hint}: ${detail}`);
  };
  return {
    async create(inputs: TraceConfigInputs) {
      await patch(inputs, traceConfigOn(inputs.project, inputs.samplingRate), 'turning Cloud Trace on');
      return { id: `organizations/${inputs.org}/environments/${inputs.environment}/traceConfig`, outs: inputs };
    },
    async diff(_id: string, olds: TraceConfigInputs, news: TraceConfigInputs) {
      const replaces = REPLACED_BY.filter((k) => olds[k] !== news[k]);
      const changed = [...replaces, ...UPDATED_BY.filter((k) => olds[k] !== news[k])];
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },
    async update(_id: string, _olds: TraceConfigInputs, news: TraceConfigInputs) {
      await patch(news, traceConfigOn(news.project, news.samplingRate), 'updating Cloud Trace');
      return { outs: news };
    },
    async delete(_id: string, props: TraceConfigInputs) {
      await patch(props, traceConfigOff(props.project), 'turning Cloud Trace off');
    },
  };
}

export interface ApigeeTraceConfigArgs {
  readonly org: pulumi.Input<string>;
  readonly environment: pulumi.Input<string>;
  readonly project: pulumi.Input<string>;
  /** @default 0.5 (TRACE_SAMPLING_RATE) */
  readonly samplingRate?: pulumi.Input<number>;
  readonly accessToken: pulumi.Input<string>;
}

/** An Apigee environment's trace config, Cloud Trace on (see the module comment). */
export class ApigeeTraceConfig extends pulumi.dynamic.Resource {
  constructor(name: string, args: ApigeeTraceConfigArgs, opts?: pulumi.CustomResourceOptions, provider: pulumi.dynamic.ResourceProvider = traceConfigProvider()) {
    super(provider, name, { samplingRate: TRACE_SAMPLING_RATE, ...args, accessToken: pulumi.secret(args.accessToken) }, { ...opts, additionalSecretOutputs: ['accessToken'] }, 'apigee', 'TraceConfig');
  }
}
