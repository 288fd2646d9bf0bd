export * from './types';
export * from './features';
export * from './targets';
export * from './support';
export * from './limits';
export * from './portability';
export * from './format';
export * from './warnings';
