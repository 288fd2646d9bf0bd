/** Before any test file: a fresh dist/ for the CLI subprocess tests and the tarball test; the lint server (test/lint-server.ts). */
import { ensureBuilt } from './build';
import { startLintServer } from './lint-server';

export default function globalSetup(): void {
  (globalThis as { anygateLintServer?: number }).anygateLintServer = startLintServer();
  ensureBuilt();
}
