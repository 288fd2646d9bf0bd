/**
 * Stage lookup, one wording for every place a stage is named outside the spec (CLI flags,
 * compile options, per-stage option blocks, dev and conform): what was asked for, the nearest
 * stage the spec has, and the list to choose from.
 */
import type { GatewaySpec } from './types';
import { didYouMean } from './zod-issues';

/** `stage "x" is not in the spec (did you mean "y"?); stages: a, b`. */
export function unknownStageMessage(stage: string, stages: readonly string[]): string {
  return `stage ${JSON.stringify(stage)} is not in the spec${didYouMean(stage, stages)}; stages: ${stages.join(', ')}`;
}

/** The stages named in `wanted` that the spec does not have, each with its message. */
export function unknownStages(spec: GatewaySpec, wanted: readonly string[]): { stage: string; message: string }[] {
  const names = Object.keys(spec.stages);
  return wanted.filter((s) => !Object.prototype.hasOwnProperty.call(spec.stages, s)).map((stage) => ({ stage, message: unknownStageMessage(stage, names) }));
}
