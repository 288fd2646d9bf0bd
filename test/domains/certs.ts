/**
 * Test-only certificates made by openssl in a temp dir (once per test file, never committed): a
 * CA, a server certificate for api.example.com and 127.0.0.1 and client certificates (CN=acme-client; and
 * client2: C=US, O=Acme\, Inc., CN=client1), all signed by the CA.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { scratch } from '../validators';

export interface TestCertificates {
  /** A file's bytes: ca.pem, server.pem, server.key, client.pem, client.key, client2.pem, client2.key. */
  readonly file: (name: string) => Buffer;
}

export function makeCertificates(name: string): TestCertificates {
  const dir = scratch(name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=DNS:api.example.com,IP:127.0.0.1\n');
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=test-ca');
  // client2: several attributes, in the usual order (country first), one value with a comma.
  for (const [n, subj] of [['server', '/CN=api.example.com'], ['client', '/CN=acme-client'], ['client2', '/C=US/O=Acme, Inc./CN=client1']]) {
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', subj);
    ssl('x509', '-req', '-in', `${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${n}.pem`, '-days', '2', ...(n === 'server' ? ['-extfile', 'san.ext'] : []));
  }
  return { file: (f: string) => readFileSync(path.join(dir, f)) };
}
