/**
 * Per-test time limits. jest-light-runner (jest.config.js) does not enforce Jest's testTimeout, so
 * a test that never settled would stall the whole run; here every test and hook gets a limit (its
 * own third argument, or DEFAULT_MS) and fails with its name when it passes it. The limits only
 * catch hangs: they are far above what any test needs on a machine loaded eight times over.
 */
const circus = require('jest-circus');

const DEFAULT_MS = 10 * 60 * 1000;

/** fn with a time limit; a function taking `done` is called with one. */
function limited(fn, ms, what) {
  const limit = typeof ms === 'number' ? ms : DEFAULT_MS;
  return function (...args) {
    const call = fn.length > args.length
      ? () => new Promise((resolve, reject) => fn.call(this, ...args, (e) => (e ? reject(e) : resolve())))
      : () => fn.apply(this, args);
    let timer;
    const expired = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not finished after ${limit} ms (a hang?)`)), limit);
    });
    return Promise.race([Promise.resolve().then(call), expired]).finally(() => clearTimeout(timer));
  };
}

/** A test function (it, it.only) whose tests, `.each` ones included, are limited. */
function limitedTest(register) {
  const wrapped = (name, fn, ms) => register(name, fn && limited(fn, ms, `test "${name}"`), ms);
  wrapped.each = (...table) => {
    const each = register.each(...table);
    return (name, fn, ms) => each(name, limited(fn, ms, `test "${name}"`), ms);
  };
  return wrapped;
}

const it = limitedTest(circus.it);
Object.assign(it, { only: limitedTest(circus.it.only), skip: circus.it.skip, todo: circus.it.todo, failing: circus.it.failing, concurrent: circus.it.concurrent });
globalThis.it = it;
globalThis.test = it;
for (const hook of ['beforeAll', 'afterAll', 'beforeEach', 'afterEach']) {
  globalThis[hook] = (fn, ms) => circus[hook](limited(fn, ms, hook), ms);
}
