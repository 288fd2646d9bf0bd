/**
 * jest-light-runner runs test files in plain Node (no Jest transform): tsx compiles the TypeScript
 * test files and everything they import, for import() and require() alike.
 */
import { register as registerEsm } from 'tsx/esm/api';
import { register as registerCjs } from 'tsx/cjs/api';

registerEsm();
registerCjs();
