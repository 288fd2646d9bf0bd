/** The API Gateway proxy event the transform handler and its transports read (its own module, so the transport does not import the handler). */
export interface ProxyEvent {
  resource: string;
  path?: string;
  httpMethod: string;
  headers?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  stageVariables?: Record<string, string | undefined> | null;
  requestContext?: { authorizer?: Record<string, unknown> | null } & Record<string, unknown>;
  body?: string | null;
  isBase64Encoded?: boolean;
}
