/** After the last test file: the lint server stops (test/lint-server.ts). */
import { stopLintServer } from './lint-server';

export default function globalTeardown(): void {
  stopLintServer((globalThis as { anygateLintServer?: number }).anygateLintServer);
}
