/** Pulumi runtime mocks: records every resource the program registers, without the Pulumi CLI. */
import * as pulumi from '@pulumi/pulumi';

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

/** Lets pending registrations finish. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
