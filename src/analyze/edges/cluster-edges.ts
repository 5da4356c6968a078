import type { BackendRef, GatewayListener, GatewayObject } from "../../model/edges.js";
import type { Pod } from "../../model/endpoint.js";
import { selectorMatches } from "../../model/labels.js";
import type { Model, Service } from "../../model/model.js";
import type { Protocol } from "../../model/ports.js";
import type { SourceRef } from "../../model/source-ref.js";
import { evaluateCluster } from "../cluster/evaluate-cluster.js";
import { externalParty, type Party, podParty } from "../party.js";
import { clusterVerdict } from "../reach/reach.js";
import type { Verdict } from "../verdict.js";
import { findService, findServicePort, serviceBackends } from "./service-backends.js";

/** How far policy lets the entry's traffic reach one backend pod. */
export type EdgeBackend = {
  readonly workload: string;
  readonly pod: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** "yes": every source address/pod is allowed; "partly": some source addresses are; "no": none. */
  readonly allowed: "yes" | "partly" | "no";
  readonly verdict: Verdict;
};

/** One externally reachable entry: a LoadBalancer or NodePort Service port, an Ingress route, a Gateway listener. */
export type ClusterEdge = {
  readonly kind: "LoadBalancer" | "NodePort" | "Ingress" | "Gateway";
  readonly entry: SourceRef;
  /** What the outside connects to: "LoadBalancer :443", "Ingress shop.example.com/api", "Gateway listener https :443". */
  readonly listen: string;
  readonly service?: { readonly namespace: string; readonly name: string; readonly port: number | string };
  /** Whom policy sees as the source: the client range, or the ingress controller / gateway pods. */
  readonly from: string;
  /** Source-address caveats (externalTrafficPolicy) and resolution problems. */
  readonly notes: readonly string[];
  readonly backends: readonly EdgeBackend[];
};

// Well-known ingress controllers' pod labels (their Helm charts set app.kubernetes.io/name).
const INGRESS_CONTROLLERS = new Set([
  "ingress-nginx",
  "nginx-ingress",
  "traefik",
  "haproxy-ingress",
  "kong",
  "contour",
  "emissary-ingress",
]);

function isIngressController(pod: Pod): boolean {
  const name = pod.labels["app.kubernetes.io/name"] ?? pod.labels.app;
  return name !== undefined && INGRESS_CONTROLLERS.has(name);
}

// Gateway API implementations label the pods they deploy for a Gateway: gateway.networking.k8s.io/gateway-name
// (Istio, GKE and others, in the Gateway's namespace) or Envoy Gateway's owning-gateway labels.
function isGatewayPod(pod: Pod, gw: GatewayObject): boolean {
  if (pod.labels["gateway.networking.k8s.io/gateway-name"] === gw.name && pod.namespace === gw.namespace) return true;
  return (
    pod.labels["gateway.envoyproxy.io/owning-gateway-name"] === gw.name &&
    (pod.labels["gateway.envoyproxy.io/owning-gateway-namespace"] ?? gw.namespace) === gw.namespace
  );
}

type Source = { readonly name: string; readonly party: Party };

/** One pod per workload: the sources policy sees. */
function podSources(model: Model, pods: readonly Pod[]): Source[] {
  const seen = new Set<string>();
  const out: Source[] = [];
  for (const pod of pods) {
    if (seen.has(pod.workload)) continue;
    seen.add(pod.workload);
    out.push({ name: pod.workload, party: podParty(model, pod) });
  }
  return out;
}

function judge(model: Model, sources: readonly Source[], pod: Pod, port: number, protocol: Protocol): EdgeBackend {
  const to = podParty(model, pod);
  let worst: { outcome: ReturnType<typeof evaluateCluster>; from: string } | undefined;
  let allowedAll = true;
  let allowedSome = false;
  for (const s of sources) {
    const outcome = evaluateCluster(model, { from: s.party, to, port, protocol });
    const partial = !outcome.allowed && (outcome.ingress.partial?.length ?? 0) > 0 && outcome.egress.allowed;
    if (outcome.allowed || partial) allowedSome = true;
    if (!outcome.allowed) allowedAll = false;
    if (worst === undefined || (!outcome.allowed && worst.outcome.allowed)) worst = { outcome, from: s.name };
  }
  const target = `${pod.namespace}/${pod.name}`;
  const verdict = worst
    ? clusterVerdict(worst.outcome, worst.from, target, `${protocol}/${port}`)
    : { allowed: false, layers: [] };
  return {
    workload: pod.workload,
    pod: target,
    port,
    protocol,
    allowed: allowedAll && sources.length > 0 ? "yes" : allowedSome ? "partly" : "no",
    verdict,
  };
}

/** The backends of one Service port reference, judged from the given sources. */
function backendsOf(
  model: Model,
  ref: { namespace: string; service: string; port: number | string },
  sources: readonly Source[],
  notes: string[],
): EdgeBackend[] {
  const service = findService(model, ref.namespace, ref.service);
  if (service === undefined) {
    notes.push(`Service ${ref.namespace}/${ref.service} is not in the input`);
    return [];
  }
  const port = findServicePort(service, ref.port);
  if (port === undefined) {
    notes.push(`Service ${ref.namespace}/${ref.service} has no port ${ref.port}`);
    return [];
  }
  const backends = serviceBackends(model, service, port);
  if (backends.length === 0)
    notes.push(
      service.selector === undefined
        ? `Service ${ref.namespace}/${ref.service} has no selector: its endpoints are managed outside the input`
        : `Service ${ref.namespace}/${ref.service} port ${ref.port} has no backend pod (no pod matches, or none has the target port)`,
    );
  return dedupe(backends.map((b) => judge(model, sources, b.pod, b.port, port.protocol)));
}

/** One backend per workload and port (replicas of a template are alike). */
function dedupe(list: EdgeBackend[]): EdgeBackend[] {
  const seen = new Set<string>();
  return list.filter((b) => {
    const key = `${b.workload}|${b.port}|${b.protocol}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function clientSources(service: Service): Source[] {
  const ranges = service.type === "LoadBalancer" ? (service.loadBalancerSourceRanges ?? []) : [];
  const list = ranges.length > 0 ? ranges : ["0.0.0.0/0"];
  return list.map((cidr) => ({ name: cidr, party: externalParty(cidr) }));
}

function serviceEdges(model: Model, service: Service): ClusterEdge[] {
  if (service.type !== "LoadBalancer" && service.type !== "NodePort") return [];
  const sources = clientSources(service);
  const local = service.externalTrafficPolicy === "Local";
  // externalTrafficPolicy (Service API reference): Local keeps the client's source IP and only routes to local
  // endpoints; Cluster (default) may forward to another node and SNATs the client to a node IP.
  const source = local
    ? "externalTrafficPolicy Local: pods see the client's own address"
    : "externalTrafficPolicy Cluster: the client address is SNATed to a node IP, so ipBlock rules see the node, not the client";
  const out: ClusterEdge[] = [];
  for (const port of service.ports) {
    const entries: { kind: ClusterEdge["kind"]; listen: string }[] = [];
    if (service.type === "LoadBalancer") entries.push({ kind: "LoadBalancer", listen: `LoadBalancer :${port.port}` });
    // A LoadBalancer Service usually opens node ports too (allocateLoadBalancerNodePorts); Ward lists its LB port.
    if (service.type === "NodePort")
      entries.push({ kind: "NodePort", listen: `NodePort :${port.nodePort ?? "(allocated)"}` });
    for (const e of entries) {
      const notes = [source];
      const backends = backendsOf(
        model,
        { namespace: service.namespace, service: service.name, port: port.port },
        sources,
        notes,
      );
      out.push({
        kind: e.kind,
        entry: service.source,
        listen: `${e.listen}/${port.protocol}`,
        service: { namespace: service.namespace, name: service.name, port: port.port },
        from: sources.map((s) => s.name).join(", "),
        notes,
        backends,
      });
    }
  }
  return out;
}

function controllerSources(model: Model, pods: readonly Pod[], what: string, notes: string[]): Source[] {
  if (pods.length > 0) return podSources(model, pods);
  notes.push(`${what} pods are not in the input: policy is checked from 0.0.0.0/0 instead`);
  return [{ name: "0.0.0.0/0", party: externalParty("0.0.0.0/0") }];
}

function ingressEdges(model: Model): ClusterEdge[] {
  const out: ClusterEdge[] = [];
  const controllers = model.pods.filter(isIngressController);
  for (const ing of model.edges?.ingresses ?? []) {
    const refs: { listen: string; backend: BackendRef }[] = ing.routes.map((r) => ({
      listen: `${r.host}${r.path}`,
      backend: r.backend,
    }));
    if (ing.defaultBackend) refs.push({ listen: "(default backend)", backend: ing.defaultBackend });
    for (const r of refs) {
      const notes: string[] = [];
      const tls = ing.tlsHosts.some((h) => h === "*" || r.listen.startsWith(h)) ? " (TLS)" : "";
      const sources = controllerSources(model, controllers, "Ingress controller", notes);
      const backends = backendsOf(model, { ...r.backend }, sources, notes);
      out.push({
        kind: "Ingress",
        entry: { ...ing.source, line: r.backend.line },
        listen: `Ingress ${r.listen}${tls}`,
        service: { namespace: r.backend.namespace, name: r.backend.service, port: r.backend.port },
        from: sources.map((s) => s.name).join(", "),
        notes,
        backends,
      });
    }
  }
  return out;
}

function listenerAccepts(model: Model, gw: GatewayObject, l: GatewayListener, routeNamespace: string): boolean {
  if (l.routesFrom === "All") return true;
  if (l.routesFrom === "Same") return routeNamespace === gw.namespace;
  const labels = model.namespaces.get(routeNamespace)?.labels ?? {};
  return selectorMatches({ matchLabels: l.routesFrom.selector, matchExpressions: [] }, labels);
}

function gatewayEdges(model: Model): ClusterEdge[] {
  const out: ClusterEdge[] = [];
  for (const gw of model.edges?.gateways ?? []) {
    for (const l of gw.listeners) {
      const notes: string[] = [];
      const sources = controllerSources(
        model,
        model.pods.filter((p) => isGatewayPod(p, gw)),
        `Gateway ${gw.namespace}/${gw.name}`,
        notes,
      );
      const backends: EdgeBackend[] = [];
      const services: string[] = [];
      for (const route of model.edges?.routes ?? []) {
        // A route attaches to the listener its parentRef names (by sectionName / port, or every listener), if the
        // listener's allowedRoutes admits the route's namespace (Gateway API "Attaching Routes to Gateways").
        const attached = route.parents.some(
          (p) =>
            p.namespace === gw.namespace &&
            p.name === gw.name &&
            (p.sectionName === undefined || p.sectionName === l.name) &&
            (p.port === undefined || p.port === l.port),
        );
        if (!attached || !listenerAccepts(model, gw, l, route.namespace)) continue;
        for (const b of route.backends) {
          services.push(`${b.namespace}/${b.service}:${b.port}`);
          backends.push(...backendsOf(model, b, sources, notes));
        }
      }
      if (services.length === 0) notes.push("no HTTPRoute in the input attaches to this listener");
      out.push({
        kind: "Gateway",
        entry: { ...gw.source, line: l.line },
        listen: `Gateway listener ${l.name} ${l.protocol} :${l.port}${l.hostname ? ` ${l.hostname}` : ""}`,
        from: sources.map((s) => s.name).join(", "),
        notes,
        backends: dedupe(backends),
      });
    }
  }
  return out;
}

/**
 * Every externally reachable entry of the cluster — LoadBalancer and NodePort Service ports, Ingress routes, Gateway
 * listeners — with the backend workloads and target ports it reaches and whether cluster policy then allows the
 * traffic: from the client range for Services, from the ingress controller or gateway pods for Ingress and Gateway.
 */
export function clusterEdges(model: Model): ClusterEdge[] {
  return [...model.services.flatMap((s) => serviceEdges(model, s)), ...ingressEdges(model), ...gatewayEdges(model)];
}
