/**
 * test/setup/worker-data.cjs against the race it closes: the worker data arrives before the worker
 * asks (jest-light-runner sends it to every worker when the first one asks) and is then given
 * back when the worker asks, while the parent, having forgotten the worker, never answers again.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';

const early = path.join(__dirname, '..', 'setup', 'worker-data.cjs');

/** A child that listens as tinypool does, then (on 'go') asks as jest-light-runner does. */
const CHILD = `
process.on('message', (m) => {
  if (m === 'go') {
    const listener = (x) => { if (x && x.type === 'jest-light-runner-worker-data') { process.off('message', listener); process.send({ got: x.workerData }); } };
    process.on('message', listener);
    process.send('jest-light-runner-get-worker-data');
  }
});
process.send('listening');
`;

function run(env: Record<string, string>): Promise<unknown[]> {
  const child = fork('-e', [CHILD], { execArgv: ['--require', early, '-e', CHILD], env: { ...process.env, ...env }, stdio: 'ignore' });
  const seen: unknown[] = [];
  return new Promise((resolve) => {
    child.on('message', (m) => {
      seen.push(m);
      if (m === 'listening') {
        // The answer first (meant for another worker's request), then the worker's own question.
        child.send({ type: 'jest-light-runner-worker-data', workerData: { id: 7 } });
        child.send('go');
      }
      if (m === 'jest-light-runner-get-worker-data') {
        // The parent has no listener left for this worker: it does not answer. End the run.
        child.kill();
      }
      if (typeof m === 'object' && m && 'got' in m) child.kill();
    });
    child.on('exit', () => resolve(seen));
  });
}

describe('test/setup/worker-data.cjs', () => {
  it('gives an early worker-data answer back when the worker asks', async () => {
    expect(await run({ TINYPOOL_WORKER_ID: '2' })).toEqual(['listening', { got: { id: 7 } }]);
  });

  it('without it (not a tinypool worker), the early answer is lost and the worker asks into the void', async () => {
    expect(await run({ TINYPOOL_WORKER_ID: '' })).toEqual(['listening', 'jest-light-runner-get-worker-data']);
  });
});
