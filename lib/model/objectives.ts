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

/**
 * A name as the targets spell it inside alert ids: AWS alarm logical ids (`AlarmShopSloProd...`) and
 * Kubernetes alert names (`ShopSloAvailabilityBurnPage`) keep letters and digits only, each word
 * capitalised (`shop-slo` and `ShopSlo` are both `ShopSlo`). Existing ids are this spelling, so it
 * never changes (a new logical id replaces a deployed alarm).
 */
export function alertIdPart(name: string): string {
  return name.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
}

/**
 * Objective names that would name the same alerts: equal without case (Azure resource names and
 * the rules' keys ignore case) or equal as alertIdPart spells them (AWS logical ids, Kubernetes
 * alert names). Each repeat is located at its name and names the objective it repeats.
 */
export function objectiveNameIssues(objectives: readonly { readonly name: string }[], at: readonly (string | number)[]): SpecIssue[] {
  const out: SpecIssue[] = [];
  const first = new Map<string, number>();
  objectives.forEach((o, i) => {
    if (typeof o?.name !== 'string') return;
    const keys = [`case:${o.name.toLowerCase()}`, `id:${alertIdPart(o.name)}`];
    const j = keys.map((k) => first.get(k)).find((x) => x !== undefined);
    if (j !== undefined) {
      const other = objectives[j].name;
      const why = other.toLowerCase() === o.name.toLowerCase() ? 'names are compared without case' : `both are ${alertIdPart(o.name)} in the alerts' ids (AWS alarm logical ids and Kubernetes alert names keep only letters and digits)`;
      out.push({ path: [...at, i, 'name'], message: `objective ${JSON.stringify(o.name)} repeats ${formatAt(at, j)} (${JSON.stringify(other)}): ${why}; rename one`, severity: 'error' });
    }
    for (const k of keys) if (!first.has(k)) first.set(k, i);
  });
  return out;
}

const formatAt = (at: readonly (string | number)[], i: number) => `${at.join('.')}[${i}]`;

/**
 * A warning (rule `objective-notifies-nobody`) for an objective whose `notify` names no channel on
 * any target: its AWS alarms, Azure alert rules and Apigee alert policies change state with no one
 * told, and its Kubernetes alerts carry no receiver label. Target-neutral: an objective that names
 * a channel for some target is left alone (a spec may be deployed to that target only).
 */
export function notifyIssues(o: { readonly notify?: { readonly snsTopicArns?: readonly string[]; readonly actionGroupIds?: readonly string[]; readonly notificationChannels?: readonly string[]; readonly alertmanagerReceiver?: string } }, at: readonly (string | number)[]): SpecIssue[] {
  const n = o.notify ?? {};
  if (n.snsTopicArns?.length || n.actionGroupIds?.length || n.notificationChannels?.length || n.alertmanagerReceiver) return [];
  return [{ path: [...at, 'notify'], rule: 'objective-notifies-nobody', severity: 'warning', message: 'the alerts notify no one: AWS alarms, Azure alert rules and Apigee alert policies fire with no action, and Kubernetes alerts carry no receiver label; set notify (snsTopicArns, actionGroupIds, notificationChannels, alertmanagerReceiver) for the targets you deploy to' }];
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

/**
 * The shortest window (days) whose burn rates are all 1 or more: 5 (the ticket's 5% in 6 hours is
 * 1x at 5 days, 0.2x at 1 day). A burn rate under 1 alerts while the budget lasts the window, i.e.
 * while the objective is met; burnIssues refuses shorter windows.
 */
export const MIN_BURN_WINDOW_DAYS: number = (() => {
  let d = 1;
  while (burnWindows(d).some((w) => w.burnRate < 1)) d++;
  return d;
})();

/**
 * The error-rate threshold (a ratio) a burn rate means for an objective percentage. At 1 or more
 * the alert could never fire (no ratio of requests exceeds all of them): burnIssues refuses such
 * objectives before any target reads this.
 */
export function burnThreshold(objectivePercent: number, burnRate: number): number {
  return Number(((burnRate * (100 - objectivePercent)) / 100).toPrecision(6));
}

/**
 * Objectives whose fastest burn rate asks for an error ratio of 100% or more: the page alert
 * (`ratio > threshold`) could never fire, so it would promise an alert that does not exist. They
 * are refused rather than clamped: a threshold clamped to 1 still never fires (no ratio exceeds 1),
 * and one lowered below 1 pages on a ratio the objective does not say. The remedy names the
 * largest allowed budget (100 / burn rate %) and the window that fits the objective as written.
 * Used by the model's validation, so every target sees the same objectives.
 */
export function burnIssues(o: { readonly availability?: number; readonly throttledPercent?: number; readonly windowDays?: number }, at: readonly (string | number)[]): SpecIssue[] {
  const windowDays = o.windowDays ?? 30;
  if (!burnObjectives(o).length) return [];
  if (windowDays < MIN_BURN_WINDOW_DAYS) {
    const slow = burnWindows(windowDays).filter((w) => w.burnRate < 1).map((w) => `the ${w.severity}'s ${w.burnRate}x (${w.severity === 'page' ? '2%' : '5%'} of the budget in ${w.longMinutes / 60} h)`);
    return [{ path: [...at, 'windowDays'], message: `over ${windowDays} day${windowDays === 1 ? '' : 's'} the burn-rate alerts would fire while the objective is met: ${slow.join(' and ')} ${slow.length === 1 ? 'is' : 'are'} under 1x, a rate at which the error budget outlasts the window; set windowDays to ${MIN_BURN_WINDOW_DAYS} or more (up to 90; the workbook's windows are 28 or 30 days)`, severity: 'error' }];
  }
  const fastest = Math.max(...burnWindows(windowDays).map((w) => w.burnRate));
  const out: SpecIssue[] = [];
  const check = (field: 'availability' | 'throttledPercent', budgetPercent: number) => {
    if (burnThreshold(100 - budgetPercent, fastest) < 1) return;
    const maxBudget = Number((100 / fastest).toPrecision(4));
    // The page burn rate is 0.02 * hours / 1 h: the longest window whose threshold stays under 1.
    const days = Math.floor((100 / budgetPercent / 0.02 - 1e-9) / 24);
    const what = field === 'availability' ? `availability ${o.availability}% leaves an error budget of ${Number(budgetPercent.toPrecision(6))}%` : `throttledPercent ${o.throttledPercent}% is a budget of ${budgetPercent}%`;
    const window = days >= MIN_BURN_WINDOW_DAYS ? `, or shorten windowDays to ${days} or fewer` : '';
    const raise = field === 'availability' ? `raise availability to ${Number((100 - maxBudget).toPrecision(6))}% or more` : `lower throttledPercent to ${maxBudget}% or less`;
    out.push({ path: [...at, field], message: `${what}; over ${windowDays} days the page alert's burn rate (${fastest}x) would need more than 100% of requests to fail, so it could never fire: ${raise}${window}`, severity: 'error' });
  };
  if (o.availability !== undefined) check('availability', 100 - o.availability);
  if (o.throttledPercent !== undefined) check('throttledPercent', o.throttledPercent);
  return out;
}

/** One burn-rate alert family of an objective: its kind, the percent of requests that must not be bad, and what the ratio counts. */
export interface BurnObjective {
  readonly kind: 'availability' | 'throttled';
  /** The objective as a success percentage (a throttling budget of 2% is a 98% objective). */
  readonly objectivePercent: number;
  /** The ratio's name in alert texts. */
  readonly what: '5xx ratio' | '429 ratio';
}

/** The burn-rate alert families an objective asks for, in the order every target emits them (availability, then throttling). */
export function burnObjectives(o: { readonly availability?: number; readonly throttledPercent?: number }): BurnObjective[] {
  const out: BurnObjective[] = [];
  if (o.availability !== undefined) out.push({ kind: 'availability', objectivePercent: o.availability, what: '5xx ratio' });
  if (o.throttledPercent !== undefined) out.push({ kind: 'throttled', objectivePercent: 100 - o.throttledPercent, what: '429 ratio' });
  return out;
}

/**
 * What a burn-rate alert says when it fires, in each target's alert description: the windows are
 * written in the target's own duration syntax (`long`, `short`).
 */
export function burnDescription(o: ObjectiveSpec, stage: string, what: string, threshold: number, long: string, short: string, objectivePercent: number, w: BurnWindow): string {
  return `${o.name} (${stage}): ${what} above ${threshold} over ${long} and ${short}: the ${o.windowDays}-day error budget of a ${objectivePercent}% objective burns ${w.burnRate}x too fast (${w.severity})`;
}
