/**
 * API versions on API Management: one ApiVersionSet and one Api per version, each compiled from
 * the version's own flat spec (lib/model/versions.ts versionSpec). The first version keeps the
 * unversioned Api's id, path and resource names, so adding versions to a deployed spec replaces
 * nothing: the existing Api joins the version set in place. Service-level parts (backends, named
 * values, products, subscriptions) are the same for every version and are planned once.
 */
import { azureScheme } from '../../lib/capabilities/targets/lifecycle-checks';
import type { GatewaySpec } from '../../lib/model/types';
import type { ApimPlan, ApimVersionApi } from './plan';

type Draft = Omit<ApimPlan, 'resources'>;

function unionById<T extends { id: string }>(lists: readonly (readonly T[])[]): T[] {
  const out = new Map<string, T>();
  for (const list of lists) for (const x of list) if (!out.has(x.id)) out.set(x.id, x);
  return [...out.values()];
}

/** The plan of a versioned spec from the per-version plans (in versions.list order). */
export function versionedPlan(spec: GatewaySpec, versionSetId: string, drafts: readonly Draft[]): Draft {
  const v = spec.versions!;
  const [first, ...rest] = drafts;
  const versionApis: ApimVersionApi[] = rest.map((d, i) => {
    const version = v.list[i + 1].name;
    return {
      key: version,
      apiId: `${first.apiId}-${version}`,
      version,
      displayName: d.displayName,
      ...(d.description ? { description: d.description } : {}),
      subscriptionRequired: d.subscriptionRequired,
      ...(d.subscriptionKeyParameterNames ? { subscriptionKeyParameterNames: d.subscriptionKeyParameterNames } : {}),
      apiPolicy: d.apiPolicy,
      operations: d.operations,
      schemas: d.schemas,
    };
  });
  const scheme = azureScheme(v.scheme);
  return {
    ...first,
    version: v.list[0].name,
    versionSet: {
      id: versionSetId,
      displayName: first.displayName,
      scheme,
      ...(scheme === 'Header' ? { headerName: v.name } : {}),
      ...(scheme === 'Query' ? { queryName: v.name } : {}),
    },
    versionApis,
    backends: unionById(drafts.map((d) => d.backends)),
    products: unionById(drafts.map((d) => d.products)),
    subscriptions: unionById(drafts.map((d) => d.subscriptions)),
    namedValues: unionById(drafts.map((d) => d.namedValues)),
    warnings: [...new Set(drafts.flatMap((d) => d.warnings))],
  };
}
