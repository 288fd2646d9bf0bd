/** Pulumi runtime mocks: records every resource the program registers, without the Pulumi CLI. */
import * as pulumi from '@pulumi/pulumi';
// Internal to Pulumi (exported from the module, left out of its typings); its own disconnect() waits on it the same way.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> };

export interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

export function installMocks(extraState: Record<string, unknown> = {}): Recorded[] {
  const recorded: Recorded[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extraState, name: args.inputs.name ?? args.name } };
      },
      call: (args) => (args.token.includes('getApiManagementService') ? { gatewayUrl: 'https://existing.azure-api.net' } : {}),
    },
    'anygate',
    'test',
    false,
  );
  return recorded;
}

/** The value of an output, once resolved. */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => {
    resolve(v);
    return v;
  }));
}

/**
 * Lets pending registrations finish: waits for Pulumi's RPC queue to drain (a registration joins
 * it when the resource is constructed, before its inputs resolve, so a resource whose input is a
 * zip still being written is waited for), then a few turns for the mocks' own callbacks.
 */
export async function settle(): Promise<void> {
  await waitForRPCs();
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

const registered = new WeakMap<object, Record<string, unknown>>();
let patched = false;

/**
 * Records what each component passes to registerOutputs (the mocks' monitor drops it). Call before
 * the components are built; read with `registeredOutputs(component)`.
 */
export function recordRegisteredOutputs(): void {
  if (patched) return;
  patched = true;
  const proto = pulumi.ComponentResource.prototype as unknown as { registerOutputs(o?: Record<string, unknown>): void };
  const original = proto.registerOutputs;
  proto.registerOutputs = function (this: object, outputs?: Record<string, unknown>) {
    // Pulumi itself calls registerOutputs() with nothing once the component's initialize settles.
    if (outputs && !registered.has(this)) registered.set(this, outputs);
    return original.call(this, outputs);
  };
}

/** The outputs a component registered (see recordRegisteredOutputs). */
export function registeredOutputs(component: pulumi.ComponentResource): Record<string, unknown> {
  const o = registered.get(component);
  if (!o) throw new Error('the component registered no outputs (or recordRegisteredOutputs ran after it was built)');
  return o;
}
