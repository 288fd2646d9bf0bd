/** anygate: one provider-neutral API gateway definition for AWS, Azure and Apigee. */
export * from './model';
export * from './capabilities';
export * from './openapi';
export { loadSpec } from './load';
