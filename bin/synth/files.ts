/** Writing into the out dir, and listing what was written. */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Writes a file, creating its directory when the write finds none (one system call, not two). */
function writeNow(file: string, content: string | Buffer): void {
  try {
    writeFileSync(file, content);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

// The same writes on a worker thread (plain JavaScript: it runs under tsx and jest as compiled).
// It stops at the first failure and reports it when asked to flush.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
let failure;
parentPort.on('message', (m) => {
  if (m === 'flush') return parentPort.postMessage({ failure });
  if (failure) return;
  for (const [file, content] of m) {
    try {
      try { writeFileSync(file, content); } catch (e) {
        if (e.code !== 'ENOENT') throw e;
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    } catch (e) { failure = { message: e.message, code: e.code }; return; }
  }
});`;

/**
 * Artifact writes handed to a worker thread, in batches, so that creating thousands of files
 * (about 0.2 ms each on a journaling file system, mostly in the kernel) overlaps the synthesis
 * of the rest instead of following it.
 */
class BackgroundWriter {
  private readonly worker: import('node:worker_threads').Worker;
  private batch: [string, string | Buffer][] = [];

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
  }

  write(file: string, content: string | Buffer): void {
    this.batch.push([file, content]);
    if (this.batch.length >= 64) this.send();
  }

  private send(): void {
    if (this.batch.length) this.worker.postMessage(this.batch);
    this.batch = [];
  }

  /** Resolves once every write is on disk; rejects with the first write's failure. */
  async close(): Promise<void> {
    this.send();
    try {
      const reply = await new Promise<{ failure?: { message: string; code?: string } }>((resolve, reject) => {
        this.worker.once('message', resolve);
        this.worker.once('error', reject);
        this.worker.postMessage('flush');
      });
      if (reply.failure) throw Object.assign(new Error(reply.failure.message), { code: reply.failure.code });
    } finally {
      await this.worker.terminate();
    }
  }
}

let background: BackgroundWriter | undefined;

/**
 * Runs `f` with writeFile's writes on a worker thread, and returns once they are all on disk.
 * For large gateways only: the thread costs a few tens of milliseconds to start.
 */
export async function withBackgroundWrites<T>(f: () => Promise<T>): Promise<T> {
  if (background) return f();
  const writer = new BackgroundWriter();
  background = writer;
  let result: T;
  try {
    result = await f();
  } catch (e) {
    background = undefined;
    await writer.close().catch(() => undefined); // the synthesis error is the one to report
    throw e;
  }
  background = undefined;
  await writer.close();
  return result;
}

/** Writes one artifact into the out dir (on the background writer while one runs); returns its relative path. */
export function writeFile(outDir: string, rel: string, content: string | Buffer): string {
  const p = path.join(outDir, rel);
  if (background) background.write(p, content);
  else writeNow(p, content);
  return rel.split(path.sep).join('/');
}

/** Every file under dir, relative and sorted. */
export function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out;
}

/** A JSON file with sorted keys and a final newline. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
