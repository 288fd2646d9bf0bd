/** The bundle's entry: CommonJS exports without esbuild's ESM interop helpers. */
import { handler } from './handler';

module.exports = { handler };
