/** A quota period as Apigee counts it: it has no week, so a week is seven days. */
export function quotaWindow(period: 'day' | 'week' | 'month'): { interval: number; timeUnit: 'day' | 'month' } {
  return period === 'week' ? { interval: 7, timeUnit: 'day' } : { interval: 1, timeUnit: period };
}
