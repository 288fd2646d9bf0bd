/**
 * Service-level objectives (`observability.objectives`): what each target turns into alerts, and
 * the burn-rate arithmetic they share. An objective covers the whole gateway or the routes it
 * names; each stage gets its own alerts.
 */
import { z } from 'zod';
import type { SpecIssue } from './errors';
import { SAFE_NAME_PATTERN, SAFE_NAME_RULE } from './names';

const Name = z.string().regex(SAFE_NAME_PATTERN, { message: `must be a safe name: ${SAFE_NAME_RULE}` });

const Percent = z.number().gt(0).lt(100);

export const Objective = z
  .strictObject({
    name: Name.meta({ description: 'Names the alerts (and dashboard annotations) on every target.' }),
    routes: z.array(z.string().min(1)).min(1).optional().meta({ description: 'Route ids the objective covers. Default: every route (the whole gateway).' }),
    availability: Percent.optional().meta({ description: 'Target percentage of requests answered without a 5xx (99.9). Default: no availability objective.' }),
    latency: z
      .strictObject({
        percentile: z.union([z.literal(50), z.literal(90), z.literal(95), z.literal(99)]).meta({ description: 'The percentile: 50, 90, 95 or 99.' }),
        thresholdMs: z.number().int().min(1).max(300_000).meta({ description: 'The percentile must stay at or under this many milliseconds.' }),
      })
      .optional()
      .meta({ description: 'Latency at a percentile. Default: no latency objective.' }),
    throttledPercent: Percent.optional().meta({ description: 'Highest acceptable percentage of requests refused with 429. Default: no throttling objective.' }),
    windowDays: z.number().int().min(1).max(90).optional().meta({ description: 'The objective window in days (error budget period).', default: 30 }),
    notify: z
      .strictObject({
        snsTopicArns: z.array(z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, { message: 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)' })).optional().meta({ description: 'AWS: SNS topics the alarms notify.', default: [] }),
        actionGroupIds: z.array(z.string().regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/actionGroups\/[^/]+$/i, { message: 'must be an action group resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/microsoft.insights/actionGroups/<name>)' })).optional().meta({ description: 'Azure: action groups the alerts notify.', default: [] }),
        notificationChannels: z.array(z.string().regex(/^projects\/[^/]+\/notificationChannels\/[^/]+$/, { message: 'must be a notification channel name (projects/<project>/notificationChannels/<id>)' })).optional().meta({ description: 'Google Cloud: notification channels the alert policies notify.', default: [] }),
        alertmanagerReceiver: z.string().regex(/^[A-Za-z0-9_.-]{1,63}$/, { message: 'letters, digits, _ . - (at most 63)' }).optional().meta({ description: 'Kubernetes: the value of the `receiver` label on the alerts, for Alertmanager routing. Default: none.' }),
      })
      .optional()
      .meta({ description: 'Where each target sends the alerts.', default: {} }),
  })
  .describe('A service-level objective that becomes alerts on every target.');

export type ObjectiveInput = z.input<typeof Objective>;

export interface ObjectiveSpec {
  readonly name: string;
  /** Route ids covered; empty: the whole gateway. */
  readonly routes: string[];
  readonly availability?: number;
  readonly latency?: { readonly percentile: 50 | 90 | 95 | 99; readonly thresholdMs: number };
  readonly throttledPercent?: number;
  readonly windowDays: number;
  readonly notify: { readonly snsTopicArns: string[]; readonly actionGroupIds: string[]; readonly notificationChannels: string[]; readonly alertmanagerReceiver?: string };
}

/** Routes an objective names that the spec does not have (ids as normalized, derived ones included). */
export function objectiveRouteIssues(objectives: readonly ObjectiveSpec[], routeIds: readonly string[]): SpecIssue[] {
  const known = new Set(routeIds);
  return objectives.flatMap((o, i) =>
    o.routes.filter((r) => !known.has(r)).map((r): SpecIssue => ({ path: ['observability', 'objectives', i, 'routes'], rule: 'unknown-reference', message: `refers to route ${JSON.stringify(r)}, which is not defined; route ids: ${[...known].sort().join(', ')}`, severity: 'error' })),
  );
}

export function normalizeObjective(o: z.output<typeof Objective>): ObjectiveSpec {
  const n = o.notify ?? {};
  return {
    name: o.name,
    routes: [...new Set(o.routes ?? [])].sort(),
    ...(o.availability !== undefined ? { availability: o.availability } : {}),
    ...(o.latency ? { latency: o.latency } : {}),
    ...(o.throttledPercent !== undefined ? { throttledPercent: o.throttledPercent } : {}),
    windowDays: o.windowDays ?? 30,
    notify: { snsTopicArns: [...(n.snsTopicArns ?? [])].sort(), actionGroupIds: [...(n.actionGroupIds ?? [])].sort(), notificationChannels: [...(n.notificationChannels ?? [])].sort(), ...(n.alertmanagerReceiver ? { alertmanagerReceiver: n.alertmanagerReceiver } : {}) },
  };
}

/**
 * The two alert windows of multiwindow, multi-burn-rate alerting (Google SRE workbook, ch. 5): a
 * page when 2% of a window's budget burns in 1 hour (checked also over 5 minutes, so it resets
 * fast), a ticket when 5% burns in 6 hours (and 30 minutes). The burn rate is the error rate over
 * the allowed one; for a 30-day window these are 14.4 and 6.
 */
export interface BurnWindow {
  readonly severity: 'page' | 'ticket';
  readonly longMinutes: number;
  readonly shortMinutes: number;
  readonly burnRate: number;
}

export function burnWindows(windowDays: number): BurnWindow[] {
  const hours = windowDays * 24;
  const rate = (budgetShare: number, longHours: number) => Math.round(((budgetShare * hours) / longHours) * 100) / 100;
  return [
    { severity: 'page', longMinutes: 60, shortMinutes: 5, burnRate: rate(0.02, 1) },
    { severity: 'ticket', longMinutes: 360, shortMinutes: 30, burnRate: rate(0.05, 6) },
  ];
}

/** The error-rate threshold (a ratio, 0..1) a burn rate means for an objective percentage. */
export function burnThreshold(objectivePercent: number, burnRate: number): number {
  return Math.min(1, Number(((burnRate * (100 - objectivePercent)) / 100).toPrecision(6)));
}

/**
 * What a burn-rate alert says when it fires, in each target's alert description: the windows are
 * written in the target's own duration syntax (`long`, `short`).
 */
export function burnDescription(o: ObjectiveSpec, stage: string, what: string, threshold: number, long: string, short: string, objectivePercent: number, w: BurnWindow): string {
  return `${o.name} (${stage}): ${what} above ${threshold} over ${long} and ${short}: the ${o.windowDays}-day error budget of a ${objectivePercent}% objective burns ${w.burnRate}x too fast (${w.severity})`;
}
