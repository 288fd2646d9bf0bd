/**
 * The AI-gateway features (MCP tools, LLM backends, token limits and metrics, guards) on each
 * target, in one file so the four target records stay small: each target's base column spreads
 * its entries from here. docs/ai.md explains every entry.
 */
import type { Target, TargetCapability } from '../types';
import { unsupported as u } from './helpers';

export type AiFeatureId = 'mcp.tools' | 'backend.llm' | 'llm.tokenLimit' | 'llm.tokenMetrics' | 'llm.promptGuard' | 'llm.piiGuard';

const pending = (what: string) => u(`${what} is not synthesized for this target yet (issue #30)`);

const PENDING: Record<AiFeatureId, TargetCapability> = {
  'mcp.tools': pending('exposing routes as MCP tools'),
  'backend.llm': pending('an LLM backend'),
  'llm.tokenLimit': pending('an LLM token limit'),
  'llm.tokenMetrics': pending('LLM token metrics'),
  'llm.promptGuard': pending('an LLM prompt safety guard'),
  'llm.piiGuard': pending('an LLM personal-data guard'),
};

/** Each target's AI records. */
export const AI_RECORDS: Readonly<Record<Target, Record<AiFeatureId, TargetCapability>>> = {
  aws: PENDING,
  azure: PENDING,
  apigee: PENDING,
  kubernetes: PENDING,
};
