/**
 * `require('anygate/azure')` (and aws, apigee) without the target's SDK names the missing peer
 * package and the npm line that installs it, instead of a raw "Cannot find module".
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { assertPeers } from '../../providers/shared/peers';
import { scratch } from '../validators';
import { root } from './run';

describe('missing peer packages', () => {
  it('assertPeers names the missing packages and the install line', () => {
    const resolve = (id: string) => {
      if (id === '@pulumi/azure-native') throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      return `/x/${id}`;
    };
    expect(() => assertPeers('anygate/azure', ['@pulumi/pulumi', '@pulumi/azure-native'], resolve)).toThrow(
      'anygate/azure needs the peer package @pulumi/azure-native, not installed: npm install @pulumi/pulumi @pulumi/azure-native',
    );
    expect(() => assertPeers('anygate/aws', ['aws-cdk-lib'], (id) => id)).not.toThrow();
  });

  it('the compiled package: require("anygate/azure") and "anygate/apigee" without Pulumi name @pulumi/*; "anygate" itself loads', () => {
    // A preload that makes every @pulumi package unresolvable, as in a project that never installed them.
    const hide = path.join(scratch('peers'), 'hide-pulumi.js');
    writeFileSync(hide, "const M = require('module'); const orig = M._resolveFilename; M._resolveFilename = function (req, ...rest) { if (/^@pulumi\\//.test(req)) { const e = new Error(`Cannot find module '${req}'`); e.code = 'MODULE_NOT_FOUND'; throw e; } return orig.call(this, req, ...rest); };\n");
    // One process requires each entry in turn and prints what each require threw (a process per
    // entry would start Node four times for the same answers).
    const entries = ['providers/azure', 'providers/apigee', 'lib', 'providers/aws'];
    const probe = `for (const e of ${JSON.stringify(entries)}) { let error = null; try { require(require('node:path').join(${JSON.stringify(path.join(root, 'dist'))}, e)); } catch (x) { error = String(x && x.message); } console.log(JSON.stringify({ e, error })); }`;
    const r = spawnSync(process.execPath, ['-r', hide, '-e', probe], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    const load = Object.fromEntries(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { e: string; error: string | null }).map((x) => [x.e, x.error]));
    expect(Object.keys(load)).toEqual(entries);
    expect(load['providers/azure']).toContain('anygate/azure needs the peer packages @pulumi/pulumi and @pulumi/azure-native, not installed: npm install @pulumi/pulumi @pulumi/azure-native');
    expect(load['providers/apigee']).toContain('anygate/apigee needs the peer packages @pulumi/pulumi and @pulumi/gcp');
    expect(load.lib).toBeNull();
    expect(load['providers/aws']).toBeNull();
  });
});
