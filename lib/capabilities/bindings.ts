/**
 * What a deploying program must give a binder beside the plan: a function for every function
 * binding the spec names (Lambda, Azure Function, Cloud Run host) and, on Apigee, the service
 * account function backends mint ID tokens for. The decision and its words live here, so every
 * binder refuses alike; offline synth and portability do not know what a program will pass, and
 * check it only when told (SupportOptions `provided`, the backend.function and auth.custom records).
 */
import type { SynthesisProblem } from '../model/errors';

/** A function binding the plan needs, and what uses it (`route <id>`-less route ids or `authorizer <name>`). */
export interface NeededBinding {
  readonly binding: string;
  /** Route ids and `authorizer <name>` entries using it. @default - not named */
  readonly usedBy?: readonly string[];
}

/** What the program passes to the binder. */
export interface ProvidedBindings {
  /** Bindings the program gives a function for. */
  readonly functions: readonly string[];
  /** Apigee: a service account is given. @default false */
  readonly serviceAccount?: boolean;
}

export type BinderTarget = 'aws' | 'azure' | 'apigee';

const HOW: Record<BinderTarget, (b: string) => string> = {
  aws: (b) => `has no Lambda function: pass functions: { '${b}': yourFunction } to AwsGateway`,
  azure: (b) => `has no Azure Function: pass functions: { '${b}': { url: <function base URL>, key: <function key> } } to AzureApimGateway`,
  apigee: (b) => `has no host: pass functions: { '${b}': '<service host>' } to ApigeeGateway`,
};

/** Every binding the program leaves out, and Apigee's missing service account, as located problems. */
export function bindingProblems(target: BinderTarget, label: string, needed: readonly NeededBinding[], provided: ProvidedBindings): SynthesisProblem[] {
  const given = new Set(provided.functions);
  const out: SynthesisProblem[] = needed
    .filter((n) => !given.has(n.binding))
    .map((n) => {
      const users = n.usedBy ?? [];
      const where = users.length && !users[0].startsWith('authorizer ') ? users[0] : 'gateway';
      const used = users.length ? ` (used by ${users.join(', ')})` : '';
      return { target: label, where, feature: 'backend.function', message: `function binding ${JSON.stringify(n.binding)}${used} ${HOW[target](n.binding)}` };
    });
  if (target === 'apigee' && needed.length && !provided.serviceAccount) {
    out.push({ target: label, where: 'gateway', feature: 'backend.function', message: "function backends are called with a Google ID token minted for the deployment's service account: pass serviceAccount to ApigeeGateway (and grant it roles/run.invoker)" });
  }
  return out;
}

/**
 * The functions a program passes under a name the plan binds to nothing (a misspelt key is
 * otherwise ignored), as one warning text, or undefined when every name is used.
 */
export function unusedBindingsText(target: BinderTarget, needed: readonly string[], provided: readonly string[]): string | undefined {
  const used = new Set(needed);
  const extra = [...new Set(provided)].filter((b) => !used.has(b)).sort();
  if (!extra.length) return undefined;
  const component = target === 'aws' ? 'AwsGateway' : target === 'azure' ? 'AzureApimGateway' : 'ApigeeGateway';
  const bindings = [...used].sort();
  return `functions ${extra.map((b) => JSON.stringify(b)).join(', ')} passed to ${component} ${extra.length === 1 ? 'is' : 'are'} not bound by the spec, so ${extra.length === 1 ? 'it is' : 'they are'} unused (${bindings.length ? `the spec's function bindings: ${bindings.join(', ')}` : 'the spec binds no function'}); check the name against the backends' and authorizers' binding`;
}
