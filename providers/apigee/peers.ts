/** Loaded first by anygate/apigee: names a missing peer package before the SDK's own import fails. */
import { assertPeers } from '../shared/peers';

assertPeers('anygate/apigee', ['@pulumi/pulumi', '@pulumi/gcp']);
