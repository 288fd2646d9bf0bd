/**
 * Adopting an existing gateway: `adopt(platform, tree)` reads a platform's exported configuration
 * into an anygate spec input and the findings of a loss report; `adoptPath` reads PATH first.
 * Readers are pure functions of the source tree; only source.ts reads files.
 */
import { readApigee } from './apigee';
import { readAws } from './aws';
import { readAzure } from './azure';
import { readKubernetes } from './kubernetes';
import { ADOPT_PLATFORMS, type AdoptOptions, type AdoptPlatform, type AdoptResult } from './result';
import { readSourceTree, type SourceTree } from './source';

export * from './result';
export * from './findings';
export * from './report';
export { readSourceTree, sourceTreeOf, type SourceTree } from './source';

const READERS: Record<AdoptPlatform, (tree: SourceTree, options?: AdoptOptions) => AdoptResult> = {
  aws: readAws,
  azure: readAzure,
  apigee: readApigee,
  kubernetes: readKubernetes,
};

/** True when `v` names a platform anygate adopts from. */
export function isAdoptPlatform(v: string): v is AdoptPlatform {
  return (ADOPT_PLATFORMS as readonly string[]).includes(v);
}

/** Reads one platform's configuration (a source tree) into a spec input and its findings. */
export function adopt(platform: AdoptPlatform, tree: SourceTree, options: AdoptOptions = {}): AdoptResult {
  return READERS[platform](tree, options);
}

/** Reads PATH (a file, a folder or a zip) and adopts it. */
export function adoptPath(platform: AdoptPlatform, path: string, options: AdoptOptions = {}): AdoptResult {
  return adopt(platform, readSourceTree(path), options);
}
