/**
 * API Gateway authorization read into anygate authorizers: OpenAPI security schemes with
 * `x-amazon-apigateway-authorizer` / `-authtype`, and CloudFormation `AWS::ApiGateway::Authorizer`
 * resources. IAM (SigV4) has no anygate equivalent; a route that requires it is kept closed
 * behind a custom authorizer you must supply, never opened.
 */
import { obj, str } from './data';
import { PLACEHOLDER_ISSUER, SpecDraft, type At } from './draft';
import type { FindingLog } from './findings';
import { cfnString, lambdaBinding } from './aws-integration';

type Json = Record<string, unknown>;

/** The Cognito issuer of a user pool ARN (literal only). */
function cognitoIssuer(arn: unknown): string | undefined {
  const s = cfnString(arn);
  const m = s ? /^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):\d+:userpool\/([A-Za-z0-9_-]+)$/.exec(s) : null;
  return m ? `https://cognito-idp.${m[1]}.amazonaws.com/${m[2]}` : undefined;
}

/** The header an identity source reads (`method.request.header.X`), or undefined. */
function identityHeader(source: unknown): string | undefined {
  const s = str(source);
  const m = s ? /method\.request\.header\.([A-Za-z0-9-_]+)/i.exec(s) : null;
  return m ? m[1] : undefined;
}

/**
 * The JWT authorizer anygate generated (scheme `anygate-<name>`), from the authorizer's config.json
 * that synth writes beside the template (the CDK asset). Undefined when the config does not hold it.
 */
function generatedJwt(name: string, scheme: Json, generated: Json | undefined, from: At, draft: SpecDraft, log: FindingLog): string | undefined {
  const m = /^anygate-(.+)$/.exec(name);
  const jwt = m ? obj(obj(generated?.jwt)?.[m[1]]) : undefined;
  if (!m || !jwt) return undefined;
  return jwtFromConfig(m[1], jwt, obj(obj(generated?.schemes)?.[name])?.resultTtlSeconds ?? obj(scheme['x-amazon-apigateway-authorizer'])?.authorizerResultTtlInSeconds, from, draft, log);
}

function jwtFromConfig(name: string, jwt: Json, ttl: unknown, from: At, draft: SpecDraft, log: FindingLog): string {
  const def: Json = { type: 'jwt', issuer: jwt.issuer, audiences: jwt.audiences };
  if (jwt.jwksUri) def.jwksUri = jwt.jwksUri;
  if (JSON.stringify(jwt.algorithms) !== JSON.stringify(['RS256'])) def.algorithms = jwt.algorithms;
  if (Object.keys(obj(jwt.requiredClaims) ?? {}).length) def.requiredClaims = jwt.requiredClaims;
  if (jwt.scopeClaim && jwt.scopeClaim !== 'scope') def.scopeClaim = jwt.scopeClaim;
  if (typeof jwt.header === 'string' && jwt.header.toLowerCase() !== 'authorization') def.header = jwt.header;
  if (typeof jwt.clockSkewSeconds === 'number' && jwt.clockSkewSeconds !== 60) def.clockSkewSeconds = jwt.clockSkewSeconds;
  if (typeof jwt.typ === 'string') def.typ = jwt.typ;
  if (typeof ttl === 'number' && ttl !== 60) def.resultTtlSeconds = ttl;
  draft.authorizers[name] = def;
  log.mapped(from.file, from.at, "anygate's generated JWT authorizer", `authorizers.${name}`);
  return name;
}

/** Adds the authorizer for a security scheme; returns its spec name, or undefined when the scheme is not one API Gateway enforces. */
export function readSecurityScheme(name: string, scheme: Json, from: At, draft: SpecDraft, log: FindingLog, generated?: Json): string | undefined {
  const own = generatedJwt(name, scheme, generated, from, draft, log);
  if (own) return own;
  const auth = obj(scheme['x-amazon-apigateway-authorizer']);
  const authtype = String(str(scheme['x-amazon-apigateway-authtype']) ?? '').toLowerCase();
  const type = String(str(auth?.type) ?? '').toLowerCase();
  if (authtype === 'cognito_user_pools' || type === 'cognito_user_pools') {
    return cognito(name, auth?.providerARNs, from, draft, log);
  }
  if (authtype === 'awssigv4' || authtype === 'aws_iam') return iam(from, draft, log);
  if (auth && (type === 'token' || type === 'request')) return custom(name, auth.authorizerUri, auth.identitySource, auth.authorizerResultTtlInSeconds, from, draft, log);
  if (str(scheme.type) === 'apiKey' && !auth) return apiKey(scheme, from, draft, log);
  log.lost(from.file, from.at, 'security scheme', `scheme ${JSON.stringify(name)} is not one API Gateway enforces (no x-amazon-apigateway-authorizer); routes that list it are imported without it`);
  return undefined;
}

/** An `AWS::ApiGateway::Authorizer` resource. */
export function readAuthorizerResource(logical: string, props: Json, from: At, draft: SpecDraft, log: FindingLog): string | undefined {
  const type = String(str(props.Type) ?? '').toUpperCase();
  if (type === 'COGNITO_USER_POOLS') return cognito(logical, props.ProviderARNs, from, draft, log);
  if (type === 'TOKEN' || type === 'REQUEST') return custom(logical, props.AuthorizerUri, props.IdentitySource, props.AuthorizerResultTtlInSeconds, from, draft, log);
  log.lost(from.file, from.at, 'AWS::ApiGateway::Authorizer', `authorizer type ${JSON.stringify(props.Type)} is not known`);
  return undefined;
}

function cognito(name: string, arns: unknown, from: At, draft: SpecDraft, log: FindingLog): string {
  const list = Array.isArray(arns) ? arns : [arns];
  const issuer = cognitoIssuer(list[0]);
  const spec = SpecDraft.nameIn(name, draft.authorizers, 'auth');
  draft.authorizers[spec] = { type: 'jwt', issuer: issuer ?? PLACEHOLDER_ISSUER, audiences: ['https://audience.invalid'] };
  log.partial(
    from.file,
    from.at,
    'Cognito user-pool authorizer',
    `authorizers.${spec}`,
    `${issuer ? '' : 'the user pool ARN is not literal, so the issuer is a placeholder (https://issuer.invalid/): set https://cognito-idp.<region>.amazonaws.com/<pool-id>; '}Cognito does not say which app clients may call: set audiences to the app client ids (they are placeholders)${list.length > 1 ? '; only the first user pool is kept' : ''}`,
  );
  return spec;
}

function custom(name: string, uri: unknown, identitySource: unknown, ttl: unknown, from: At, draft: SpecDraft, log: FindingLog): string {
  const spec = SpecDraft.nameIn(name, draft.authorizers, 'auth');
  const binding = lambdaBinding(uri) ?? 'authorizer';
  const def: Json = { type: 'custom', binding };
  const header = identityHeader(identitySource);
  if (header && header !== 'Authorization') def.header = header;
  if (typeof ttl === 'number' && ttl !== 300) def.resultTtlSeconds = ttl;
  draft.authorizers[spec] = def;
  const multi = str(identitySource)?.includes(',');
  if (multi || (identitySource !== undefined && !header)) log.partial(from.file, from.at, 'Lambda authorizer', `authorizers.${spec}`, `the identity source ${JSON.stringify(identitySource)} is not one header; the spec reads ${header ?? 'Authorization'}`);
  else log.mapped(from.file, from.at, 'Lambda authorizer', `authorizers.${spec}`);
  return spec;
}

function iam(from: At, draft: SpecDraft, log: FindingLog): string {
  if (!draft.authorizers.iam) draft.authorizers.iam = { type: 'custom', binding: 'iam-authorizer' };
  log.partial(from.file, from.at, 'AWS_IAM (SigV4) authorization', 'authorizers.iam', 'IAM authorization has no anygate equivalent; the routes stay closed behind a custom authorizer `iam` (binding iam-authorizer) that you must supply, or change their auth');
  return 'iam';
}

/** The API Gateway API key (x-api-key header, or what the scheme names). */
export function apiKey(scheme: Json, from: At, draft: SpecDraft, log: FindingLog): string {
  const name = str(scheme.name) ?? 'x-api-key';
  const where = str(scheme.in) === 'query' ? 'query' : 'header';
  const existing = Object.entries(draft.authorizers).find(([, a]) => a.type === 'apiKey' && a.name === name && a.in === where);
  if (existing) return existing[0];
  const spec = SpecDraft.nameIn('apiKey', draft.authorizers, 'key');
  draft.authorizers[spec] = { type: 'apiKey', in: where, name };
  log.mapped(from.file, from.at, 'API key required', `authorizers.${spec}`);
  return spec;
}

/**
 * The authorizer `name` as anygate's generated authorizer configuration holds it (a JWT, or an
 * API key the authorizer reads), added to the draft once. A header key's name is lower-cased in the
 * configuration; `params` (the operation's declared parameters) give back its spelling.
 * Returns false when the configuration does not hold it.
 */
export function generatedAuthorizer(name: string, generated: Json, params: readonly Json[], from: At, draft: SpecDraft, log: FindingLog): boolean {
  if (draft.authorizers[name]) return true;
  const jwt = obj(obj(generated.jwt)?.[name]);
  if (jwt) {
    const ttl = obj(obj(generated.schemes)?.[`anygate-${name}`])?.resultTtlSeconds;
    jwtFromConfig(name, jwt, ttl, from, draft, log);
    return true;
  }
  const key = obj(obj(generated.apiKeys)?.[name]);
  if (!key) return false;
  const where = key.in === 'query' ? 'query' : 'header';
  const lower = String(key.name ?? 'x-api-key');
  const spelled = params.find((p) => p.in === where && typeof p.name === 'string' && p.name.toLowerCase() === lower.toLowerCase())?.name as string | undefined;
  draft.authorizers[name] = { type: 'apiKey', in: where, name: where === 'header' ? spelled ?? lower : lower };
  log.mapped(from.file, from.at, "anygate's generated authorizer: API key", `authorizers.${name}`);
  return true;
}
