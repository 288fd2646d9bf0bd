import { installMocks, settle, valueOf } from '../pulumi-mocks';
const recorded = installMocks();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ApigeeTraceConfig } = require('../../providers/apigee/trace-config') as typeof import('../../providers/apigee/trace-config');
describe('probe', () => {
  it('works under mocks', async () => {
    const t0 = Date.now();
    const r = new ApigeeTraceConfig('t', { org: 'o', environment: 'e', project: 'p', accessToken: 'tok' });
    await valueOf(r.urn);
    await settle();
    console.log(Date.now() - t0, JSON.stringify(recorded).slice(0, 3000));
  });
});
