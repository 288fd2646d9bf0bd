/**
 * Loaded into every Jest worker process with --require (jest.config.js sets NODE_OPTIONS).
 *
 * jest-light-runner 0.8.2, with child processes, answers a worker's request for its worker data
 * by sending the answer to every worker that has been handed a test file, and then forgets them
 * all (one shared channel, src/index.js). A second worker that has not asked yet receives that
 * answer before its runner listens for it, so the answer is lost; when it then asks, nobody is
 * left to answer, and it waits forever with its first test file (the stall of test/adopt/
 * roundtrip.test.ts: the stuck worker's only listeners were tinypool's and the runner's request
 * for worker data). Here an answer that arrives before this worker asked is kept, and given
 * back when it asks.
 */
'use strict';

if (process.send && process.env.TINYPOOL_WORKER_ID) {
  const DATA = 'jest-light-runner-worker-data';
  const ASK = 'jest-light-runner-get-worker-data';
  let asked = false;
  let early;
  const keep = (m) => {
    if (!asked && m && m.type === DATA) early = m;
  };
  // Listening from the start would make Node read the IPC channel before tinypool's entry (an ES
  // module, loaded later) listens, and tinypool's first message would be lost: listen only
  // when the first other listener comes.
  process.on('newListener', function attach(name) {
    if (name !== 'message') return;
    process.removeListener('newListener', attach);
    process.on('message', keep);
  });
  const send = process.send.bind(process);
  process.send = (message, ...rest) => {
    if (message === ASK && !asked) {
      asked = true;
      if (early) {
        const answer = early;
        early = undefined;
        process.nextTick(() => process.emit('message', answer));
        return true;
      }
    }
    return send(message, ...rest);
  };
}
