/**
 * Large API bodies in environment-agnostic stacks.
 *
 * A body too large for the template ships to S3 (`BodyS3Location`), and API Gateway imports that
 * file itself: no CloudFormation intrinsic in it is resolved. The body names the stack's partition,
 * region and account in a handful of places (authorizer and Lambda integration URIs; API Gateway
 * allows a stage variable only in the function-name part of those ARNs). When the stack has a
 * concrete account and region, the values are written into the file at synth time. When it does
 * not (the CDK default), the file keeps `${AWS::Partition}`, `${AWS::Region}` and
 * `${AWS::AccountId}` and a deploy-time step fills them in: a custom resource whose function (inline
 * code, no asset) reads the uploaded file, substitutes the three values CloudFormation hands it,
 * and writes the result next to it (`<key>.resolved.json`, same bucket); the RestApi imports that.
 * The resource count stays constant (function, role, its policy, log group, custom resource).
 *
 * The function's role may read the one uploaded object and write the one resolved object (no
 * wildcard). With the default bootstrap the assets bucket is encrypted with the S3-managed key;
 * a bucket with a customer-managed KMS key also needs kms:Decrypt / kms:GenerateDataKey for the
 * role (or give the stack an account and region: `anygate synth --account --region`).
 */
import { Aws, CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';

/** The pseudo parameters anygate writes into an API body; the only `${AWS::...}` forms it may hold. */
export const BODY_PSEUDO_PARAMETERS = /\$\{AWS::(Partition|Region|AccountId)\}/g;

/**
 * The resolver's code (CommonJS, inline in the template: at most 4,096 bytes). The SDK is the one
 * the Node.js runtime ships. Substitutes exactly the three pseudo parameters; any other `${AWS::`
 * left in the file fails the deployment rather than reaching API Gateway.
 */
export const RESOLVER_CODE = `const { S3Client, GetObjectCommand, PutObjectCommand } = require('@aws-sdk/client-s3');
const https = require('node:https');
const s3 = new S3Client({});
function respond(e, status, reason, id, data) {
  const body = JSON.stringify({ Status: status, Reason: reason, PhysicalResourceId: id, StackId: e.StackId, RequestId: e.RequestId, LogicalResourceId: e.LogicalResourceId, Data: data });
  const u = new URL(e.ResponseURL);
  return new Promise((ok, fail) => {
    const r = https.request({ hostname: u.hostname, path: u.pathname + u.search, method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', ok); });
    r.on('error', fail);
    r.end(body);
  });
}
exports.handler = async (e) => {
  const p = e.ResourceProperties;
  const id = 's3://' + p.Bucket + '/' + p.Target;
  try {
    if (e.RequestType !== 'Delete') {
      const o = await s3.send(new GetObjectCommand({ Bucket: p.Bucket, Key: p.Source }));
      const v = p.Values;
      const text = (await o.Body.transformToString()).replace(/\\$\\{AWS::(Partition|Region|AccountId)\\}/g, (_, k) => v[k]);
      if (text.includes('\${AWS::')) throw new Error('the API body holds a pseudo parameter other than Partition, Region and AccountId');
      await s3.send(new PutObjectCommand({ Bucket: p.Bucket, Key: p.Target, Body: text, ContentType: 'application/json' }));
    }
    // Delete keeps the object: a rollback of a later update may import it again.
    await respond(e, 'SUCCESS', 'resolved', id, { Key: p.Target });
  } catch (err) {
    await respond(e, 'FAILED', String((err && err.message) || err).slice(0, 400), e.PhysicalResourceId || id, {});
  }
};
`;

export interface DeployTimeBodyProps {
  /** The body file (JSON with `${AWS::...}` pseudo parameters and `${stageVariables.x}` left in). */
  readonly file: string;
  readonly runtime: lambda.Runtime;
  readonly architecture: lambda.Architecture;
  /** What `cdk destroy` does with the resolver's log group. @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** The uploaded body and the key of its resolved copy (a deploy-time value). */
export class DeployTimeBody extends Construct {
  readonly asset: s3assets.Asset;
  /** Key of the resolved body in `asset.bucket`, available once the custom resource has run. */
  readonly resolvedKey: string;

  constructor(scope: Construct, id: string, props: DeployTimeBodyProps) {
    super(scope, id);
    this.asset = new s3assets.Asset(this, 'Source', { path: props.file });
    const target = `${this.asset.s3ObjectKey}.resolved.json`;
    const role = new iam.Role(this, 'ResolverRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'anygate: writes the API body with the stack partition, region and account filled in' });
    const logGroup = new logs.LogGroup(this, 'ResolverLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN });
    logGroup.grantWrite(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.asset.bucket.arnForObjects(this.asset.s3ObjectKey)] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.asset.bucket.arnForObjects(target)] }));
    const fn = new lambda.Function(this, 'Resolver', {
      runtime: props.runtime,
      architecture: props.architecture,
      handler: 'index.handler',
      code: lambda.Code.fromInline(RESOLVER_CODE),
      role,
      logGroup,
      memorySize: 512,
      timeout: Duration.minutes(2),
      description: 'anygate: fills the stack partition, region and account into the API body API Gateway imports from S3',
    });
    const resource = new CustomResource(this, 'Resolved', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::AnygateApiBody',
      properties: {
        Bucket: this.asset.s3BucketName,
        Source: this.asset.s3ObjectKey,
        Target: target,
        Values: { Partition: Aws.PARTITION, Region: Aws.REGION, AccountId: Aws.ACCOUNT_ID },
      },
    });
    this.resolvedKey = resource.getAttString('Key');
    Validations.of(fn).acknowledge({ id: 'AwsSolutions::AwsSolutions-L1', reason: 'the resolver runs on the runtime the generated functions use (handlerRuntime)' });
  }
}
