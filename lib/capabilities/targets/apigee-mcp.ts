/**
 * Routes as MCP tools on Apigee X: an MCP Discovery Proxy per stage. The rules its record checks
 * and its emitter (providers/apigee/mcp.ts) read alike. What it rests on (Google Cloud docs):
 * - "Get started with Apigee and MCP" (apigee/docs/api-platform/apigee-mcp/apigee-mcp-quickstart):
 *   a proxy whose target connection is `ORG_NAME.mcp.apigee.internal` ("mcp.apigee.internal is
 *   also supported for backward compatibility"), an OpenAPI 3.0.0-3.0.3 document in the bundle's
 *   oas directory whose operations are the tools, its `servers.url` host "an exact match for the
 *   environment group hostname" of the environment it is deployed to, deployed to a Comprehensive
 *   environment, with API hub provisioned and the runtime project attached (API hub ingests the
 *   proxy's document as an MCP API).
 * - Release notes, March 31 2026 (GA): the target host became `ORG_NAME.mcp.apigee.internal`.
 * - "Troubleshoot MCP deployments in Apigee": a parameter's `in` decides where its argument goes.
 * - The target's path `/mcp`: the quickstart names the host only; the Apigee hybrid 1.17 release
 *   notes (as summarized) give `https://ORG_NAME.mcp.apigee.internal/mcp`, and Google's samples
 *   call `https://mcp.apigee.internal/mcp`. The least documented part: check it first on a live org.
 */
import type { GatewaySpec } from '../../model/types';

/** The managed MCP server's host for an organization, or the organization-less host Apigee still accepts. */
export const apigeeMcpTargetUrl = (organization: string | undefined): string => `https://${organization ? `${organization}.` : ''}mcp.apigee.internal/mcp`;

/** The OpenAPI versions Apigee's MCP reads (the emitter writes the last). */
export const APIGEE_MCP_OPENAPI = '3.0.3';

/** An Apigee organization name (the project id it is named after): what may precede `.mcp.apigee.internal`. */
export const APIGEE_ORGANIZATION = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** A host name of an environment group (the OpenAPI document's servers.url host). */
export const APIGEE_HOSTNAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * The environment group host names of a stage the tools are called at: the compile option's
 * (`hostnames`, what ApigeeGateway's hostnames give), else the stage's custom domains (the
 * environment group anygate creates for them). Empty when neither names one.
 */
export function apigeeMcpHosts(spec: GatewaySpec, stage: string, hostnames: Readonly<Record<string, string>> | undefined): string[] {
  const given = hostnames?.[stage];
  if (given !== undefined) return [given];
  return (spec.domains ?? []).filter((d) => d.stage === stage).map((d) => d.name).sort();
}

/** The MCP Discovery Proxy's name for a stage (proxy names are organization-wide). */
export const apigeeMcpProxyName = (proxy: string, stage: string): string => `${proxy}-mcp-${stage}`;
