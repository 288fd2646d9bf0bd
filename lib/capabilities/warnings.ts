/**
 * Target warnings: what a compiler (or synth, for the component that deploys its plan) says about
 * a spec it does synthesize: a quota it nears, a step the deployer must take, a behaviour of the
 * cloud to know about. Each has a stable rule id, like the model's warnings (lib/model/rules.ts),
 * so `ignoreWarnings` in the spec and `--ignore` silence it wherever it is printed (synth,
 * validate --target, portability).
 *
 * The id travels in the text, as its last word (`... [aws-cors-proxy-responses]`): the plans'
 * `warnings: string[]` carry it unchanged into plan.json, manifest.json, the CDK and Pulumi logs
 * and the CLI, and a warning's id never depends on its wording. This table is the one list of ids.
 */
import type { SpecIssue } from '../model/errors';
import type { Target } from './types';

/** Every target warning id, with what it is about (the id's target is its prefix). */
export const TARGET_WARNINGS = {
  'aws-cors-proxy-responses': 'CORS on proxy integrations: the backends must send Access-Control-Allow-Origin on their own responses',
  'aws-cors-error-responses': 'CORS with several origins and credentials: API Gateway error responses carry no Access-Control-Allow-Origin',
  'aws-authorizer-cache-off': "an authorizer's result cache is turned off: routes with different scopes have overlapping ARN patterns",
  'aws-stage-throttle': 'method settings: routes without a rate limit get the stage-wide throttle',
  'aws-stage-quota': "more stages than API Gateway's default quota per REST API",
  'aws-resource-quota': "more resources than API Gateway's default quota per REST API",
  'aws-documentation-quota': "more documentation parts than API Gateway's quota: the API is published without documentation",
  'aws-unused-function-binding': 'a function passed to the component under a name the spec binds to nothing',
  'aws-domain-stage-not-deployed': 'a custom domain serves a stage this synthesis does not deploy',
  'aws-mtls-execute-api-disabled': 'mutual TLS turns off the default execute-api endpoint',
  'azure-unused-function-binding': 'a function passed to the component under a name the spec binds to nothing',
  'azure-jwt-openid-discovery': 'validate-jwt reads signing keys through OpenID discovery; jwksUri is not used',
  'azure-timeout-over-240s': "a backend timeout over 240 s, which API Management's network may not honour",
  'azure-access-logs-application-insights': 'access logs or tracing need applicationInsights on AzureApimGateway',
  'azure-alerts-application-insights': 'objectives and dashboards need applicationInsights on AzureApimGateway',
  'azure-domain-existing-service': 'custom domains on an existing service (serviceName): set its hostnameConfigurations yourself',
  'apigee-unused-function-binding': 'a function passed to the component under a name the spec binds to nothing',
  'apigee-any-body-unchecked': 'the body schema of an ANY route is not checked (JSON threat protection still runs)',
  'apigee-mcp-organization': 'MCP Discovery Proxies target the organization-less MCP host',
  'apigee-domain-load-balancer': 'custom domains are served by your external load balancer',
  'apigee-client-ip-resolution': "IP rules read the environment's resolved client address, which needs its clientIpResolutionConfig",
  'kubernetes-observability-setup': 'access logs, tracing, alerts and dashboards need the platform set up for them',
  'kubernetes-backend-api': 'Envoy Gateway Backend objects need the Backend API enabled',
  'kubernetes-endpointslice-rbac': 'HTTP backends as EndpointSlices need RBAC to create them',
  'kubernetes-rate-limit-service': "global rate limits (plans, LLM token limits) need Envoy Gateway's rate-limit service",
  'kubernetes-ai-gateway': 'LLM routes need Envoy AI Gateway installed (and its metrics attribute for consumers)',
  'kubernetes-llm-key-secret': "an LLM backend's provider key needs its Secret in each stage namespace",
  'kubernetes-api-key-secrets': 'API-key consumers need a Secret in each stage namespace',
} as const satisfies Record<`${Target}-${string}`, string>;

export type TargetWarningId = keyof typeof TARGET_WARNINGS;

/** A warning's text with its rule id as its last word, the form every plan's `warnings` holds. */
export function targetWarning(id: TargetWarningId, message: string): string {
  return `${message} [${id}]`;
}

const TAGGED = /^(.*) \[([a-z0-9-]+)\]$/s;

/** The text without its id, and the id (none for a text that carries none: every target warning should). */
export function splitTargetWarning(text: string): { message: string; rule?: TargetWarningId } {
  const m = TAGGED.exec(text);
  return m && m[2]! in TARGET_WARNINGS ? { message: m[1]!, rule: m[2] as TargetWarningId } : { message: text };
}

/** The warnings whose rule is not in `ignored` (`ignoreWarnings`, `--ignore`). */
export function withoutIgnoredWarnings(texts: readonly string[], ignored: ReadonlySet<string>): string[] {
  if (!ignored.size) return [...texts];
  return texts.filter((t) => {
    const { rule } = splitTargetWarning(t);
    return rule === undefined || !ignored.has(rule);
  });
}

/**
 * A compiler's warnings less those the spec's `ignoreWarnings` silences: applied where each
 * compiler returns them, so AwsGateway, the Pulumi components, synth, portability and
 * `validate --target` all leave out the same ones.
 */
export function specWarnings(spec: { readonly ignoreWarnings?: readonly string[] }, texts: string[]): string[] {
  return spec.ignoreWarnings?.length ? withoutIgnoredWarnings(texts, new Set(spec.ignoreWarnings)) : texts;
}

/** A target's warnings as spec warnings (`aws: CORS: ...`, rule id set), for the commands that list them beside the model's. */
export function targetWarningIssues(target: Target, texts: readonly string[], file?: string): SpecIssue[] {
  return texts.map((t) => {
    const { message, rule } = splitTargetWarning(t);
    return { path: [], ...(file ? { file } : {}), severity: 'warning', rule: rule ?? 'target-warning', message: `${target}: ${message}` };
  });
}
