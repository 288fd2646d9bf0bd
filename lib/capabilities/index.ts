export * from './table';
export * from './limits';
export * from './portability';
export * from './format';
