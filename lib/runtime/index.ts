/**
 * anygate/runtime: the code that runs in the cloud (the generated Lambda authorizer and transform
 * handlers), their configuration types, and the esbuild bundler that turns them into Lambda assets.
 */
export * from './bundle';
export * from './config';
export { createAuthorizer, type AuthorizerEvent } from './authorizer/handler';
export type { AuthorizerResult } from './authorizer/policy';
export { createTransformer, lambdaTransport, type ProxyEvent, type ProxyResult, type Transport } from './transform/handler';
