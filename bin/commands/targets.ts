/** Parsing `--target` lists: every target may be named; without a list, the default ones (kubernetes is opt-in). */
import { ALL_TARGETS, TARGETS, type Target } from '../../lib/capabilities/types';
import { UsageError } from './context';
import { didYouMean } from './suggest';
import { unknownStageMessage } from '../../lib/model/stages';

export function parseTargets(value: string | undefined): Target[] {
  if (!value) return [...TARGETS];
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const t of list) {
    if (!(ALL_TARGETS as readonly string[]).includes(t)) throw new UsageError(`unknown target ${JSON.stringify(t)}${didYouMean(t, ALL_TARGETS)}; targets: ${ALL_TARGETS.join(', ')}`);
  }
  return [...new Set(list)] as Target[];
}

/** `--stage a,b` against the spec's stages. */
export function parseStages(value: string | undefined, known: readonly string[]): string[] | undefined {
  if (!value) return undefined;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) {
    if (!known.includes(s)) throw new UsageError(unknownStageMessage(s, known));
  }
  return list;
}
