import './peers';
export * from './bundle';
export * from './compile';
export * from './gateway';
export * from './plan';
