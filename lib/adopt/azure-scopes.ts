/**
 * Which operations a parent scope's policy (global, product, API) is in effect for. In API
 * Management each section of a policy runs the enclosing scope's section only where it holds
 * `<base/>`: an operation policy whose inbound omits it runs none of the API, product and global
 * inbound rules. The import carries a parent rule onto the routes of the operations it reaches,
 * and the loss report must say the same thing: a parent scope's findings wait here, per section,
 * until the operations are read, then are settled (mapped, mapped in part for some operations, or
 * not in effect) so the report never calls a rule carried that the spec does not hold.
 */
import { FindingLog, type Finding } from './findings';

/** The policy sections whose `<base/>` decides what runs (on-error findings pass through). */
export type Section = 'inbound' | 'outbound' | 'backend';
export const SECTIONS: readonly Section[] = ['inbound', 'outbound', 'backend'];

/** Spec fields that apply to every route, whatever operations the source rule reached. */
const GATEWAY_WIDE = new Set(['ipRules', 'cors']);

/** The findings of one parent scope's policy, by section, and the operations each section reaches. */
export class ScopeFindings {
  private readonly logs = new Map<string, FindingLog>();
  private readonly reached = new Map<Section, Set<string>>();
  /** Section -> operation -> why the section does not run for it. */
  private readonly missed = new Map<Section, Map<string, string>>();

  /**
   * @param product the product's plan name when the scope is a product (its rules other than
   *   quotas and rate limits reach only its subscribers, which a plan cannot say). @default - not a product
   */
  constructor(private readonly product?: string) {}

  /** The log one section's findings go to (PolicyContext.sectionLog). */
  readonly sectionLog = (section: string): FindingLog => {
    let l = this.logs.get(section);
    if (!l) this.logs.set(section, (l = new FindingLog()));
    return l;
  };

  /** `section` runs for `operation`. */
  reach(section: Section, operation: string): void {
    let s = this.reached.get(section);
    if (!s) this.reached.set(section, (s = new Set()));
    s.add(operation);
  }

  /** `section` does not run for `operation`, because of `why` (`their policy omits <base/> in <inbound>`). */
  miss(section: Section, operation: string, why: string): void {
    let m = this.missed.get(section);
    if (!m) this.missed.set(section, (m = new Map()));
    m.set(operation, why);
  }

  /** Writes the held findings into `log`, each saying which operations its rule is in effect for. */
  settle(log: FindingLog): void {
    for (const [section, held] of this.logs) {
      const reached = [...(this.reached.get(section as Section) ?? [])];
      const missed = this.missed.get(section as Section) ?? new Map<string, string>();
      const notInEffect = missed.size ? notInEffectFor(missed) : '';
      for (const f of held.findings()) log.record(this.settled(f, reached, missed.size > 0, notInEffect));
    }
  }

  private settled(f: Finding, reached: string[], someMissed: boolean, notInEffect: string): Finding {
    const own = f.construct === 'base' || f.construct === 'forward-request' || f.construct === 'policy expressions' || f.construct === 'include-fragment';
    if (this.product !== undefined && f.status !== 'lost' && !own && !(f.mappedTo ?? '').startsWith('plans.')) {
      return { ...f, status: 'lost', mappedTo: undefined, reason: `a product's policy applies only to calls with a subscription to the product (plan ${this.product}); anygate's plans carry quotas and rate limits, not this: set it on the routes by hand if every caller is on this plan${someMissed ? `; besides, it is ${notInEffect}` : ''}` };
    }
    if (!someMissed) return f;
    if (!reached.length) {
      if (f.status === 'lost') return { ...f, reason: `${f.reason}; besides, it is ${notInEffect}` };
      return { ...f, status: 'lost', mappedTo: undefined, reason: `${notInEffect}, so it is in no route of the spec${f.reason ? ` (${f.reason})` : ''}` };
    }
    const only = `in effect for operations ${reached.join(', ')} only; ${notInEffect}`;
    if (f.status === 'lost') return { ...f, reason: `${f.reason}; ${only}` };
    const reason = GATEWAY_WIDE.has(f.mappedTo ?? '') ? `${only}: the spec's ${f.mappedTo} apply to every route, stricter than the source for those operations` : `on the routes of operations ${reached.join(', ')} only; ${notInEffect}`;
    return { ...f, status: 'partial', reason: f.reason ? `${reason}; ${f.reason}` : reason };
  }
}

/** `not in effect for operations a, b: their policy omits <base/> in <inbound>` (grouped by cause). */
function notInEffectFor(missed: ReadonlyMap<string, string>): string {
  const byWhy = new Map<string, string[]>();
  for (const [op, why] of missed) byWhy.set(why, [...(byWhy.get(why) ?? []), op]);
  return `not in effect for ${[...byWhy].map(([why, ops]) => `operation${ops.length > 1 ? 's' : ''} ${ops.join(', ')} (${why})`).join(' and ')}`;
}
