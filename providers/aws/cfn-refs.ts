/**
 * The CloudFormation context: CloudFormation resolves `{{resolve:service:...}}` dynamic references
 * in any property value at deploy time, and evaluates `${...}` inside Fn::Sub (which anygate uses
 * for strings holding `${AWS::Region}`-style pseudo parameters). A spec string holding either would
 * let a spec author send a secret to a backend or a public response, or read stack attributes. So
 * no spec string may hold them, anywhere, except the one field meant for a secret reference
 * (`consumers.*.apiKey.secretRef`), whose secret name is checked against Secrets Manager's grammar.
 */
import type { SynthesisProblem } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';

const DYNAMIC_REFERENCE = /\{\{\s*resolve\s*:/i;
const SUB_PSEUDO = /\$\{\s*AWS::/i;
/** Secrets Manager secret names (or full ARNs): https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html */
const SECRET_NAME = /^(?:arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/;

function evaluatedBy(value: string): string | undefined {
  if (DYNAMIC_REFERENCE.test(value)) return 'a CloudFormation dynamic reference ({{resolve:...}}), which CloudFormation would resolve at deploy time';
  if (SUB_PSEUDO.test(value)) return 'CloudFormation Fn::Sub syntax (${AWS::...}), which CloudFormation would evaluate';
  return undefined;
}

/** Walks every string of the spec, keys included, and reports those CloudFormation would evaluate. */
export function cfnReferenceProblems(spec: GatewaySpec, target: string): SynthesisProblem[] {
  const problems: SynthesisProblem[] = [];
  const report = (path: string, what: string) => {
    // Route fields are named relative to the route (`where` names it): indexes follow canonical order, not the input's.
    const route = /^routes\[(\d+)\]\.?/.exec(path);
    const where = route ? spec.routes[Number(route[1])].id : 'gateway';
    const field = route ? path.slice(route[0].length) || 'route' : path;
    problems.push({ target, where, feature: 'cfn.dynamicReference', message: `${field} holds ${what}; remove it (secrets belong in consumers.*.apiKey.secretRef)` });
  };
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      const what = evaluatedBy(value);
      if (what) report(path, what);
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const here = path ? `${path}.${k}` : k;
        const what = evaluatedBy(k);
        if (what) report(`${here} (key)`, what);
        if (/^consumers\.[^.]+\.apiKey\.secretRef$/.test(here) && typeof v === 'string') continue;
        walk(v, here);
      }
    }
  };
  walk(spec, '');
  for (const [name, c] of Object.entries(spec.consumers)) {
    const ref = c.apiKey?.secretRef;
    if (!ref?.startsWith('aws-secretsmanager:')) continue;
    const secret = ref.slice('aws-secretsmanager:'.length);
    if (!SECRET_NAME.test(secret)) {
      problems.push({ target, where: 'gateway', feature: 'consumer.apiKey', message: `consumers.${name}.apiKey.secretRef: ${JSON.stringify(secret)} is not a Secrets Manager secret name or ARN (letters, digits and /_+=.@-); fix the reference` });
    }
  }
  return problems;
}
