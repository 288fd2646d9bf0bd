/** Before any test file: a fresh dist/ for the CLI subprocess tests and the tarball test. */
import { ensureBuilt } from './build';

export default function globalSetup(): void {
  ensureBuilt();
}
