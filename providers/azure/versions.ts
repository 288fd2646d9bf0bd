/**
 * API versions on API Management: one ApiVersionSet and one Api per version, each compiled from
 * the version's own flat spec (lib/model/versions.ts versionSpec). The first version keeps the
 * unversioned Api's id, path and resource names, so adding versions to a deployed spec replaces
 * nothing: the existing Api joins the version set in place. Service-level parts (backends, named
 * values, products, subscriptions) are the same for every version and are planned once.
 */
import { azureScheme } from '../../lib/capabilities/targets/lifecycle-checks';
import type { GatewaySpec } from '../../lib/model/types';
import { extraApi, serviceParts, type ApimDraft as Draft } from './api-drafts';
import type { ApimVersionApi } from './plan';

/** The plan of a versioned spec from the per-version plans (in versions.list order). */
export function versionedPlan(spec: GatewaySpec, versionSetId: string, drafts: readonly Draft[]): Draft {
  const v = spec.versions!;
  const [first, ...rest] = drafts;
  const versionApis: ApimVersionApi[] = rest.map((d, i) => {
    const version = v.list[i + 1].name;
    return { key: version, ...extraApi(d, { apiId: `${first.apiId}-${version}`, version }) };
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
    ...serviceParts(drafts),
  };
}
