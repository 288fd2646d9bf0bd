/**
 * Routes as MCP tools on AWS: an Amazon Bedrock AgentCore Gateway per stage, with the stage as an
 * API Gateway target (tool filters and overrides per tool). The rules its record checks and its
 * emitter (providers/aws/mcp.ts) read alike.
 * https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-target-api-gateway.html
 */

/** The GatewayTarget's name: AgentCore lists each tool as `<target>___<tool>`. */
export const AGENTCORE_TARGET_NAME = 'api';
/** What AgentCore puts before every tool name the client sees. */
export const AGENTCORE_TOOL_PREFIX = `${AGENTCORE_TARGET_NAME}___`;

/** An AgentCore Gateway name (`^([0-9a-zA-Z][-]?){1,100}$`) from the API and stage names. */
export function agentCoreGatewayName(api: string, stage: string): string {
  const clean = `${api}-${stage}-mcp`.replace(/[^0-9A-Za-z]+/g, '-').replace(/^-+/, '');
  return clean.slice(0, 100).replace(/-+$/, '');
}
