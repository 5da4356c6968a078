import type { LabelSelector } from "./labels.js";
import type { SourceRef } from "./source-ref.js";

/*
 * The mesh layer: Istio (security.istio.io v1/v1beta1) and Linkerd (policy.linkerd.io), reduced at their parsers.
 * String patterns are kept as written ("abc", "abc*", "*abc", "*"): their meaning is Istio's value matching.
 */

export type MtlsMode = "STRICT" | "PERMISSIVE" | "DISABLE" | "UNSET";

export type PeerAuthentication = {
  readonly namespace: string;
  readonly name: string;
  /** Undefined: namespace-wide (mesh-wide in the root namespace). */
  readonly selector?: LabelSelector;
  readonly mode: MtlsMode;
  /** Keyed by the workload's (container) port. */
  readonly portLevel: readonly { readonly port: number; readonly mode: MtlsMode; readonly line: number }[];
  readonly source: SourceRef;
};

export type IstioAction = "ALLOW" | "DENY" | "AUDIT" | "CUSTOM";

/** A field with values and/or notValues (from.source / to.operation / when). */
export type ValueMatch = { readonly values?: readonly string[]; readonly notValues?: readonly string[] };

export type IstioSource = {
  readonly principals?: ValueMatch;
  readonly namespaces?: ValueMatch;
  readonly ipBlocks?: ValueMatch;
  readonly remoteIpBlocks?: ValueMatch;
  readonly requestPrincipals?: ValueMatch;
  readonly line: number;
};

export type IstioOperation = {
  readonly hosts?: ValueMatch;
  readonly ports?: ValueMatch;
  readonly methods?: ValueMatch;
  readonly paths?: ValueMatch;
  readonly line: number;
};

export type IstioCondition = ValueMatch & { readonly key: string; readonly line: number };

export type IstioRule = {
  /** Undefined: no `from` (any source). */
  readonly from?: readonly IstioSource[];
  readonly to?: readonly IstioOperation[];
  readonly when: readonly IstioCondition[];
  readonly line: number;
};

export type AuthorizationPolicy = {
  readonly namespace: string;
  readonly name: string;
  /** Undefined: every workload of the namespace (of the mesh, in the root namespace). */
  readonly selector?: LabelSelector;
  /** targetRef(s): the policy attaches to gateways/waypoints/Services, not to sidecars by selector. */
  readonly targetRefs?: readonly { readonly kind: string; readonly name: string }[];
  readonly action: IstioAction;
  /** CUSTOM: the extension provider's name. */
  readonly provider?: string;
  readonly rules: readonly IstioRule[];
  readonly source: SourceRef;
};

export type IstioMesh = {
  readonly peerAuthentications: readonly PeerAuthentication[];
  readonly authorizationPolicies: readonly AuthorizationPolicy[];
  /** Namespaces with a RequestAuthentication (JWT): only there can requests carry request.auth.* attributes. */
  readonly requestAuthentications: readonly SourceRef[];
};

export type LinkerdServer = {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly podSelector: LabelSelector;
  readonly port: number | string;
  readonly proxyProtocol?: string;
  /** Server.spec.accessPolicy (Linkerd 2.16+): the policy when no authorization targets it; deny when unset. */
  readonly accessPolicy?: string;
  readonly source: SourceRef;
};

export type HttpRouteMatch = {
  readonly path?: { readonly type: "Exact" | "PathPrefix" | "RegularExpression"; readonly value: string };
  readonly method?: string;
  readonly headers: readonly {
    readonly type: "Exact" | "RegularExpression";
    readonly name: string;
    readonly value: string;
  }[];
};

export type LinkerdRoute = {
  readonly namespace: string;
  readonly name: string;
  /** Names of the Servers (same namespace unless given) it attaches to. */
  readonly parents: readonly { readonly namespace: string; readonly name: string }[];
  /** Each rule's matches (ORed); an empty list matches every request. */
  readonly rules: readonly { readonly matches: readonly HttpRouteMatch[]; readonly line: number }[];
  /** metadata.creationTimestamp (RFC 3339) when the input carries it: it breaks precedence ties between routes. */
  readonly creationTimestamp?: string;
  readonly source: SourceRef;
};

export type AuthenticationRef = { readonly kind: string; readonly name: string; readonly namespace: string };

export type LinkerdAuthorizationPolicy = {
  readonly namespace: string;
  readonly name: string;
  readonly target: { readonly kind: "Server" | "HTTPRoute" | "Namespace"; readonly name: string };
  readonly required: readonly AuthenticationRef[];
  readonly source: SourceRef;
};

export type MeshTlsAuthentication = {
  readonly namespace: string;
  readonly name: string;
  readonly identities: readonly string[];
  readonly serviceAccounts: readonly { readonly name: string; readonly namespace: string }[];
  readonly source: SourceRef;
};

export type NetworkEntry = { readonly cidr: string; readonly except: readonly string[] };

export type NetworkAuthentication = {
  readonly namespace: string;
  readonly name: string;
  readonly networks: readonly NetworkEntry[];
  readonly source: SourceRef;
};

export type ServerAuthorization = {
  readonly namespace: string;
  readonly name: string;
  readonly server: { readonly name?: string; readonly selector?: LabelSelector };
  readonly client: {
    readonly unauthenticated: boolean;
    readonly meshTLS?: {
      readonly unauthenticatedTLS: boolean;
      readonly identities: readonly string[];
      readonly serviceAccounts: readonly { readonly name: string; readonly namespace: string }[];
    };
    /** Undefined: all networks. */
    readonly networks?: readonly NetworkEntry[];
  };
  readonly source: SourceRef;
};

export type LinkerdMesh = {
  readonly servers: readonly LinkerdServer[];
  readonly routes: readonly LinkerdRoute[];
  readonly authorizationPolicies: readonly LinkerdAuthorizationPolicy[];
  readonly meshTLSAuthentications: readonly MeshTlsAuthentication[];
  readonly networkAuthentications: readonly NetworkAuthentication[];
  readonly serverAuthorizations: readonly ServerAuthorization[];
};

export type MeshModel = { readonly istio: IstioMesh; readonly linkerd: LinkerdMesh };

export const EMPTY_MESH: MeshModel = {
  istio: { peerAuthentications: [], authorizationPolicies: [], requestAuthentications: [] },
  linkerd: {
    servers: [],
    routes: [],
    authorizationPolicies: [],
    meshTLSAuthentications: [],
    networkAuthentications: [],
    serverAuthorizations: [],
  },
};
