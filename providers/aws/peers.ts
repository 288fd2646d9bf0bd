/** Loaded first by anygate/aws: names a missing peer package before the SDK's own import fails. */
import { assertPeers } from '../shared/peers';

assertPeers('anygate/aws', ['aws-cdk-lib', 'constructs']);
