export * from './import';
export * from './export';
export { formatWarnings, countWarnings, type ImportWarning, type WarningKind, type FormatWarningsOptions } from './warnings';
export { toYaml } from './yaml';
