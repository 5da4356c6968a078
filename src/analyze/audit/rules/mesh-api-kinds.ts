import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

type Served = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

const ISTIO_NETWORKING = ["v1alpha3", "v1beta1", "v1"];
// The kinds and versions each mesh serves, per API group, from the CRDs the meshes install:
// Istio 1.22+ — github.com/istio/istio manifests/charts/base/files/crd-all.gen.yaml (istio.io/latest/docs/reference/config);
// Linkerd 2.14+ — github.com/linkerd/linkerd2 charts/linkerd-crds/templates (policy/*.yaml, serviceprofile.yaml,
// workload/external-workload.yaml) and the linkerd-multicluster and linkerd-smi extensions; SMI split — smi-spec.io.
const SERVED: Served = {
  "networking.istio.io": {
    VirtualService: ISTIO_NETWORKING,
    DestinationRule: ISTIO_NETWORKING,
    Gateway: ISTIO_NETWORKING,
    ServiceEntry: ISTIO_NETWORKING,
    Sidecar: ISTIO_NETWORKING,
    WorkloadEntry: ISTIO_NETWORKING,
    WorkloadGroup: ISTIO_NETWORKING,
    EnvoyFilter: ["v1alpha3"],
    ProxyConfig: ["v1beta1"],
  },
  "security.istio.io": {
    AuthorizationPolicy: ["v1beta1", "v1"],
    PeerAuthentication: ["v1beta1", "v1"],
    RequestAuthentication: ["v1beta1", "v1"],
  },
  "telemetry.istio.io": { Telemetry: ["v1alpha1", "v1"] },
  "extensions.istio.io": { WasmPlugin: ["v1alpha1"] },
  "install.istio.io": { IstioOperator: ["v1alpha1"] },
  "policy.linkerd.io": {
    Server: ["v1alpha1", "v1beta1", "v1beta2", "v1beta3"],
    ServerAuthorization: ["v1alpha1", "v1beta1"],
    AuthorizationPolicy: ["v1alpha1"],
    MeshTLSAuthentication: ["v1alpha1"],
    NetworkAuthentication: ["v1alpha1"],
    HTTPRoute: ["v1alpha1", "v1beta1", "v1beta2", "v1beta3"],
    HTTPLocalRateLimitPolicy: ["v1alpha1"],
    EgressNetwork: ["v1alpha1"],
    UnmeshedNetwork: ["v1alpha1"],
    // Experimental kinds in the same chart (policy/http-loadbalancer-policy.yaml, http-local-concurrency-limit-policy.yaml,
    // http-retry-filter.yaml).
    HTTPLoadBalancer: ["v1alpha1"],
    HTTPLocalConcurrencyLimitPolicy: ["v1alpha1"],
    HTTPRetryFilter: ["v1alpha1"],
  },
  "linkerd.io": { ServiceProfile: ["v1alpha1", "v1alpha2"] },
  "workload.linkerd.io": { ExternalWorkload: ["v1alpha1", "v1beta1"] },
  "multicluster.linkerd.io": { Link: ["v1alpha1", "v1alpha2", "v1alpha3"] },
  "split.smi-spec.io": { TrafficSplit: ["v1alpha1", "v1alpha2", "v1alpha3", "v1alpha4"] },
};

// Groups the meshes served once and removed: Istio 1.6 removed authentication.istio.io (Policy, MeshPolicy) and
// rbac.istio.io (ServiceRole, …), Istio 1.8 removed Mixer's config.istio.io and policy.istio.io (istio.io release notes).
const REMOVED: Readonly<Record<string, string>> = {
  "authentication.istio.io": "removed in Istio 1.6 (use security.istio.io PeerAuthentication / RequestAuthentication)",
  "rbac.istio.io": "removed in Istio 1.6 (use security.istio.io AuthorizationPolicy)",
  "config.istio.io":
    "removed with Mixer in Istio 1.8 (use telemetry.istio.io Telemetry or extensions.istio.io WasmPlugin)",
  "policy.istio.io": "removed with Mixer in Istio 1.8",
};

function split(apiVersion: string): [string, string] {
  const slash = apiVersion.lastIndexOf("/");
  return [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** Why the mesh does not serve this apiVersion/kind, or undefined when it does (or Ward does not know the group). */
export function notServed(apiVersion: string, kind: string): string | undefined {
  const [group, version] = split(apiVersion);
  const removed = REMOVED[group];
  if (removed !== undefined) return `the API group ${group} was ${removed}`;
  const kinds = SERVED[group];
  if (kinds === undefined) return undefined; // a group Ward has no list for: say nothing rather than guess
  const versions = kinds[kind];
  if (versions === undefined) {
    const elsewhere = Object.entries(SERVED)
      .filter(([, ks]) => ks[kind] !== undefined)
      .map(([g, ks]) => `${g}/${ks[kind]?.at(-1)}`);
    return `${group} has no kind ${kind}${elsewhere.length > 0 ? ` (${kind} is served as ${elsewhere.join(", ")})` : ` (its kinds: ${Object.keys(kinds).join(", ")})`}`;
  }
  if (!versions.includes(version)) return `${group} serves ${kind} as ${versions.join(", ")}, not ${version}`;
  return undefined;
}

export const meshUnknownApiKind: AuditRule = {
  id: "WARD-MESH-006",
  layer: "mesh",
  severity: "medium",
  title: "Mesh resource of a kind or version the mesh does not serve",
  rationale:
    "An Istio, Linkerd or SMI object whose kind does not exist in its API group (a made-up policy.linkerd.io FooPolicy), whose version the group does not serve (security.istio.io/v1alpha3 AuthorizationPolicy), or whose group the mesh removed (authentication.istio.io) is rejected by the API server or never read by the control plane: the policy its author counts on is not in force. Ward checks each object against the kinds and versions the meshes' CRDs serve (Istio 1.22+, Linkerd 2.14+); objects of groups it has no list for are not reported.",
  fix: "Use a kind and apiVersion the mesh serves (kubectl api-resources --api-group=<group> lists them), e.g. security.istio.io/v1 AuthorizationPolicy or policy.linkerd.io/v1alpha1 AuthorizationPolicy.",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const obj of ctx.model.meshApiObjects ?? []) {
      const why = notServed(obj.apiVersion, obj.kind);
      if (why === undefined) continue;
      const { apiVersion, ...subject } = obj;
      out.push(findingOf(this, subject, `${apiVersion} ${obj.kind} ${obj.name}: ${why}`));
    }
    return out;
  },
};
