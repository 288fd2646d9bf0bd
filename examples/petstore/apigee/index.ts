/**
 * The petstore on Apigee X: the proxy bundle, a deployment per environment (dev, prod), products,
 * developer apps and target servers.
 *
 *   pulumi config set gcp:project my-project && pulumi config set orgId my-project
 *   pulumi config set ordersHost orders-abc-uc.a.run.app
 *   pulumi up
 */
import * as pulumi from '@pulumi/pulumi';
import type { ApigeeEnvironmentType } from '../../../lib/capabilities/table';
import { loadSpecFile } from '../../../lib/model/load';
import { ApigeeGateway } from '../../../providers/apigee/gateway';

const config = new pulumi.Config();
const { spec } = loadSpecFile(`${__dirname}/../gateway.yaml`);

const gateway = new ApigeeGateway('petstore', {
  gateway: spec,
  orgId: config.require('orgId'),
  environmentType: (config.get('environmentType') ?? 'INTERMEDIATE') as ApigeeEnvironmentType,
  environments: { dev: 'dev', prod: 'prod' },
  functions: { 'orders-fn': config.require('ordersHost') },
});

export const revision = gateway.revision;
export const products = gateway.productNames;
export const credentials = gateway.credentials;
