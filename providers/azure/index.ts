import './peers';
export * from './compile';
export * from './gateway';
export * from './plan';
