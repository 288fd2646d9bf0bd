/** The bundle's entry: CommonJS exports without esbuild's ESM interop helpers (the 10 KB goal). */
import { handler } from './handler';

module.exports = { handler };
