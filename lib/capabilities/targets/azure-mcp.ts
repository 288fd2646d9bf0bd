/**
 * The limits of API Management's MCP servers that anygate's records and emitter share, from the
 * REST API 2025-09-01-preview (Azure/azure-rest-api-specs, specification/apimanagement/
 * resource-manager/Microsoft.ApiManagement/ApiManagement/preview/2025-09-01-preview/openapi.json:
 * ApiType `mcp`, ToolContractProperties) and the service/apis/tools template reference (toolId:
 * 1-80 characters, `(^[\w]+$)|(^[\w][\w\-]+[\w]$)`). test/fixtures/apim-mcp-2025-09-01-preview.schema.json
 * holds the extracted definitions the emitted properties are tested against.
 */

/** The REST API version that has Api type `mcp` and API tools. */
export const APIM_MCP_API_VERSION = '2025-09-01-preview';

/** An API tool's resource name (toolId). */
export const APIM_TOOL_ID = /^(?:\w|\w[\w-]{0,78}\w)$/;

/** ToolContractProperties.description maxLength. */
export const APIM_TOOL_DESCRIPTION_MAX = 1000;
