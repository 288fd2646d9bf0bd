/** Loaded first by anygate/azure: names a missing peer package before the SDK's own import fails. */
import { assertPeers } from '../shared/peers';

assertPeers('anygate/azure', ['@pulumi/pulumi', '@pulumi/azure-native']);
