import type { SourceRef } from "./source-ref.js";

/** A reference to a Service port: by number, or by the Service port's name (Ingress only). */
export type BackendRef = {
  readonly namespace: string;
  readonly service: string;
  readonly port: number | string;
  readonly line: number;
};

/** One networking.k8s.io/v1 Ingress, reduced to its routes to Services. */
export type IngressObject = {
  readonly source: SourceRef;
  readonly className?: string;
  /** Hosts covered by spec.tls ("*" when an entry lists none). */
  readonly tlsHosts: readonly string[];
  readonly routes: readonly { readonly host: string; readonly path: string; readonly backend: BackendRef }[];
  readonly defaultBackend?: BackendRef;
};

export type GatewayListener = {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly hostname?: string;
  /** allowedRoutes.namespaces.from: Same (default), All, or Selector (with its labels). */
  readonly routesFrom: "Same" | "All" | { readonly selector: Readonly<Record<string, string>> };
  readonly line: number;
};

/** A gateway.networking.k8s.io Gateway. */
export type GatewayObject = {
  readonly source: SourceRef;
  readonly namespace: string;
  readonly name: string;
  readonly className: string;
  readonly listeners: readonly GatewayListener[];
};

export type RouteParent = {
  readonly namespace: string;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
};

/** A gateway.networking.k8s.io HTTPRoute attached to Gateways. */
export type HttpRouteObject = {
  readonly source: SourceRef;
  readonly namespace: string;
  readonly parents: readonly RouteParent[];
  readonly hostnames: readonly string[];
  readonly backends: readonly BackendRef[];
};

export type EdgeObjects = {
  readonly ingresses: readonly IngressObject[];
  readonly gateways: readonly GatewayObject[];
  readonly routes: readonly HttpRouteObject[];
};
