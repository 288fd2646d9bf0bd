/** The kubernetes compiler's options and output. */
import type { KubernetesBackendKind, KubernetesSpecOptions } from '../../lib/model/types';

/** A Kubernetes object as emitted: plain data, ready for `kubectl apply`. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

/** A Service a function binding (or custom authorizer) resolves to. */
export interface ServiceRef {
  readonly name: string;
  /** @default - the stage's namespace */
  readonly namespace?: string;
  /** @default 80 */
  readonly port?: number;
}

/**
 * Compile options. `gateway`, `hostnames`, `namespaces`, `functions` and `createGateway` override
 * the spec's `kubernetes:` block (gateway, hostnames and createGateway as a whole; namespaces stage
 * by stage; functions binding by binding).
 */
export interface KubernetesCompileOptions {
  /** The Gateway the HTTPRoutes attach to (no namespace: the route's own). @default - the spec's kubernetes.gateway, else { name: 'eg', namespace: 'envoy-gateway-system' } */
  readonly gateway?: { readonly name: string; readonly namespace?: string; readonly sectionName?: string };
  /** Hostnames of the HTTPRoutes. @default - the spec's kubernetes.hostnames, else every hostname of the listener */
  readonly hostnames?: readonly string[];
  /** Namespace of each stage. @default - the spec's kubernetes.namespaces, else `<gateway name>-<stage>` */
  readonly namespaces?: Readonly<Record<string, string>>;
  /** Emit the Gateway and its GatewayClass. @default - the spec's kubernetes.createGateway, else none (attach to an existing Gateway) */
  readonly createGateway?: KubernetesSpecOptions['createGateway'];
  /** Telemetry: the OpenTelemetry collector (OTLP/gRPC Service) traces go to. @default - otel-collector in namespace monitoring, port 4317 */
  readonly telemetry?: { readonly collector?: { readonly name: string; readonly namespace: string; readonly port: number } };
  /** What HTTP backends become: a Service with an EndpointSlice, or an Envoy Gateway Backend (needs the Backend API). @default - the spec's kubernetes.backendKind, else 'Service' */
  readonly backendKind?: KubernetesBackendKind;
  /** Stages compiled. @default - every stage of the spec */
  readonly stages?: readonly string[];
  /** Per stage, the Service of each function binding (binding by binding over the spec's kubernetes.functions). @default - the spec's kubernetes.functions, else a Service named after the binding, port 80, in the stage's namespace */
  readonly functions?: Readonly<Record<string, Readonly<Record<string, ServiceRef>>>>;
}

/** One stage's objects, sorted by kind, namespace and name. */
export interface KubernetesStagePlan {
  readonly stage: string;
  readonly namespace: string;
  readonly objects: K8sObject[];
}

export interface KubernetesPlan {
  readonly stages: KubernetesStagePlan[];
  /** Things the operator must know (rate-limit service, Secrets to create), sorted. */
  readonly notes: string[];
}
