export * from './import';
export * from './export';
