import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { validateGateway } from '../lib/model/normalize';

describe('README', () => {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

  it('shows the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('its YAML example is a valid spec', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const r = validateGateway(parse(block));
    expect(r.errors).toEqual([]);
    expect(r.spec!.routes).toHaveLength(2);
  });
});
