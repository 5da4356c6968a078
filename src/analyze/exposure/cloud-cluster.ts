import type { Cidr } from "../../model/cidr.js";
import { parseCidr } from "../../model/cidr.js";
import type { CloudModel, CloudRef, NetworkInterface } from "../../model/cloud.js";
import { isUnknown } from "../../model/cloud.js";
import type { IngressObject } from "../../model/edges.js";
import type { Model, Service, ServicePort } from "../../model/model.js";
import type { Protocol } from "../../model/ports.js";
import { type CloudExposure, type Control, controls } from "../cloud/cloud-exposure.js";
import { forwardedTargets, listenersOf } from "../cloud/listeners.js";
import { eniParty, evaluatePath, internetParty, type PathResult } from "../cloud/path.js";
import { evaluateCluster } from "../cluster/evaluate-cluster.js";
import { findService, findServicePort, serviceBackends } from "../edges/service-backends.js";
import { meshApplies, meshLayer } from "../mesh/mesh-layer.js";
import { externalParty, type Party, podParty } from "../party.js";
import { ANY_REQUEST } from "../request.js";

/** Whose address the pod sees as the source of traffic that came in through the cloud. */
export type SeenSource = {
  /** client: the internet client's own address; lb: a private address of the load balancer; node: a node's address. */
  readonly kind: "client" | "lb" | "node";
  /** node (SNAT): the address the node received before it SNATed. */
  readonly beforeSnat?: "client" | "lb";
  readonly why: string;
};

/** One cluster workload a cloud resource (an EKS node group) fronts, with the cluster and mesh layers judged. */
export type FrontedWorkload = {
  readonly workload: string;
  readonly pod: string;
  /** "Service payments/frontend LoadBalancer :443/TCP" */
  readonly entry: string;
  readonly entrySource: CloudRef;
  /** The port and protocol the pod receives on. */
  readonly port: number;
  readonly protocol: Protocol;
  readonly source: SeenSource;
  readonly controls: readonly Control[];
  /** Blocking controls between the internet and this workload (unknown ones are not counted). */
  readonly depth: number;
};

const ANNOTATION = "service.beta.kubernetes.io/";

function annotationsOf(model: Model, s: Service): Readonly<Record<string, string>> {
  return model.annotations?.get(`Service/${s.namespace}/${s.name}`) ?? {};
}

/**
 * The source address a pod sees for a Service's external traffic on AWS.
 * - AWS Load Balancer Controller, nlb-target-type ip: the NLB sends to pod IPs. Client IP preservation is off by
 *   default for IP target groups over TCP/TLS and always on for UDP (ELB "Edit target group attributes for your
 *   Network Load Balancer", client IP preservation); preserve_client_ip.enabled=true turns it on.
 * - instance targets (the controller's default, and the in-tree "nlb"): the NLB preserves the client IP to the
 *   node (instance target groups: enabled); a Classic ELB (in-tree default) proxies, so the node sees the ELB.
 * - Then kube-proxy (Kubernetes "Source IP for Services"; Service externalTrafficPolicy): Local keeps the source
 *   address the node received; Cluster SNATs it to a node IP.
 */
export function seenSource(model: Model, s: Service, port: ServicePort): SeenSource {
  const a = annotationsOf(model, s);
  const lbType = a[`${ANNOTATION}aws-load-balancer-type`];
  const targetType = a[`${ANNOTATION}aws-load-balancer-nlb-target-type`] ?? (lbType === "nlb-ip" ? "ip" : "instance");
  const attrs = a[`${ANNOTATION}aws-load-balancer-target-group-attributes`] ?? "";
  const preserve = /preserve_client_ip\.enabled=(true|false)/.exec(attrs)?.[1];
  if (s.type === "LoadBalancer" && targetType === "ip") {
    const preserved = preserve === undefined ? port.protocol === "UDP" : preserve === "true";
    return preserved
      ? {
          kind: "client",
          why: "NLB ip targets with client IP preservation (UDP, or preserve_client_ip.enabled=true): the pod sees the client's address",
        }
      : {
          kind: "lb",
          why: "NLB ip targets (aws-load-balancer-nlb-target-type: ip): client IP preservation is off for TCP ip target groups, so the pod sees a private address of the load balancer",
        };
  }
  const nlb = lbType === "nlb" || lbType === "external";
  // With instance targets an NLB preserves the client IP unless preserve_client_ip.enabled=false.
  const nodeSees: "client" | "lb" = s.type === "NodePort" || (nlb && preserve !== "false") ? "client" : "lb";
  const via =
    s.type === "NodePort"
      ? "NodePort: clients connect to a node"
      : nodeSees === "client"
        ? "NLB instance targets preserve the client IP to the node"
        : nlb
          ? "NLB with preserve_client_ip.enabled=false: the node sees the load balancer"
          : "no aws-load-balancer-type annotation: a Classic ELB (in-tree provider), which proxies, so the node sees the ELB";
  if (s.externalTrafficPolicy === "Local")
    return {
      kind: nodeSees,
      why: `${via}; externalTrafficPolicy Local keeps that source address (Kubernetes "Source IP for Services")`,
    };
  return {
    kind: "node",
    beforeSnat: nodeSees,
    why: `${via}; externalTrafficPolicy Cluster SNATs it to a node IP (Kubernetes "Source IP for Services")`,
  };
}

/**
 * The source a pod sees for traffic a load balancer in the files sends to a node group's NodePort: an ALB
 * (HTTP/HTTPS target group) proxies, so the node sees the ALB's private address; an NLB with instance targets
 * preserves the client's (ELB target group attributes, client IP preservation). Then externalTrafficPolicy decides.
 */
export function seenThroughTargetGroup(s: Service, tgProtocol: string | undefined): SeenSource {
  const proxy = tgProtocol === undefined || tgProtocol === "HTTP" || tgProtocol === "HTTPS";
  const nodeSees: "client" | "lb" = proxy ? "lb" : "client";
  const via = proxy
    ? "an Application Load Balancer proxies: the node sees its private address"
    : "NLB instance targets preserve the client IP to the node";
  return s.externalTrafficPolicy === "Local"
    ? { kind: nodeSees, why: `${via}; externalTrafficPolicy Local keeps it (Kubernetes "Source IP for Services")` }
    : {
        kind: "node",
        beforeSnat: nodeSees,
        why: `${via}; externalTrafficPolicy Cluster SNATs it to a node IP (Kubernetes "Source IP for Services")`,
      };
}

function ranges(cloud: CloudModel, subnetIds: readonly string[], whole: boolean): Cidr[] {
  const subnets = cloud.subnets.filter((s) => subnetIds.includes(s.id));
  if (whole) {
    const vpcs = new Set(subnets.map((s) => s.vpcId));
    return cloud.vpcs.filter((v) => vpcs.has(v.id)).flatMap((v) => v.cidrs.filter((c) => c.family === 4));
  }
  return subnets.flatMap((s) => (isUnknown(s.cidr) || s.cidr.family !== 4 ? [] : [s.cidr]));
}

type Judged = { state: Control["state"]; why: string; refs: CloudRef[] };

/** NetworkPolicy (and the other cluster kinds) on traffic from these ranges: "all" must pass for a single address. */
function clusterOn(model: Model, to: Party, port: number, protocol: Protocol, from: Cidr[], exists: boolean): Judged {
  let all = true;
  let some = false;
  let isolated = false;
  const refs: CloudRef[] = [];
  for (const c of from) {
    const o = evaluateCluster(model, { from: externalParty(c.text), to, port, protocol });
    isolated ||= o.ingress.isolated;
    if (o.allowed) some = true;
    else {
      all = false;
      if ((o.ingress.partial?.length ?? 0) > 0) some = true;
    }
    // The policies that decided: the isolating ones when nothing admits it, else the one whose rule admits it.
    const d = o.ingress.decidedBy;
    const deciding =
      d.kind === "isolated"
        ? d.policies
        : d.kind === "rule"
          ? o.ingress.policies.filter((p) => p.rules.includes(d.rule)).map((p) => p.policy)
          : [];
    for (const p of deciding) if (!refs.some((r) => r.file === p.file && r.line === p.line)) refs.push(p);
  }
  const text = from.map((c) => c.text).join(", ");
  if (all)
    return isolated
      ? { state: "restricts", why: `NetworkPolicy admits ${text} on ${protocol}/${port}`, refs }
      : { state: "open", why: "no NetworkPolicy isolates it for ingress", refs };
  if (!some) return { state: "blocks", why: `no NetworkPolicy rule admits ${text} on ${protocol}/${port}`, refs };
  return exists
    ? { state: "restricts", why: `NetworkPolicy admits only part of ${text} on ${protocol}/${port}`, refs }
    : {
        state: "unknown",
        why: `NetworkPolicy admits only part of ${text} on ${protocol}/${port}: it depends on which address the source has`,
        refs,
      };
}

/** Do mesh policies look at source addresses (then one unknown address in a range cannot be decided)? */
function meshReadsAddresses(model: Model): boolean {
  const istio = model.mesh?.istio.authorizationPolicies ?? [];
  return (
    istio.some((p) =>
      p.rules.some(
        (r) =>
          (r.from ?? []).some((s) => s.ipBlocks !== undefined || s.remoteIpBlocks !== undefined) ||
          r.when.some((w) => w.key === "source.ip" || w.key === "remote.ip"),
      ),
    ) || (model.mesh?.linkerd.networkAuthentications.length ?? 0) > 0
  );
}

function meshOn(model: Model, to: Party, port: number, protocol: Protocol, from: Cidr[], exists: boolean): Judged {
  const results = from.map((c) =>
    meshLayer(model, { from: externalParty(c.text), to, port, protocol, request: ANY_REQUEST, plaintext: true }),
  );
  const refs: CloudRef[] = [];
  for (const d of results.flatMap((r) => r.decidedBy))
    if (d.file !== undefined && d.line !== undefined && !refs.some((x) => x.file === d.file && x.line === d.line))
      refs.push({
        kind: d.kind ?? "",
        name: d.name ?? "",
        ...(d.namespace === undefined ? {} : { namespace: d.namespace }),
        file: d.file,
        line: d.line,
      });
  const undecidable = results.find((r) => r.undecidable !== undefined)?.undecidable;
  const last = (r: (typeof results)[number]) => r.decidedBy[r.decidedBy.length - 1]?.why ?? "";
  const first = results[0];
  if (!first) return { state: "unknown", why: "no source address is known", refs: [] };
  if (undecidable) return { state: "unknown", why: undecidable, refs };
  if (results.every((r) => !r.allowed))
    return { state: "blocks", why: `plaintext from outside the mesh: ${last(first)}`, refs };
  if (results.every((r) => r.allowed) && (exists || !meshReadsAddresses(model)))
    // A single decision: the mesh does not apply to the pod (no sidecar, or a protocol it does not proxy).
    return first.decidedBy.length === 1
      ? { state: "open", why: first.decidedBy[0]?.why ?? "the mesh enforces nothing here", refs }
      : { state: "restricts", why: `plaintext from outside the mesh is admitted: ${last(first)}`, refs };
  return {
    state: "unknown",
    why: "the mesh admits some source addresses and not others: it depends on which address the source has",
    refs,
  };
}

/**
 * SNAT to a node IP: the client-address and node-address evaluations must agree for the control to be decided.
 * Kubernetes Network Policies (ipBlock): "it is not defined whether this happens before or after NetworkPolicy
 * processing", and traffic from the node where a Pod is running is always allowed — so NetworkPolicy
 * (nodeAlwaysAllowed) never blocks SNATed traffic for sure.
 */
function agree(client: Judged, node: Judged, nodeAlwaysAllowed: boolean): Judged {
  const admits = (j: Judged) => j.state === "open" || j.state === "restricts";
  if (client.state === node.state && (admits(client) || !nodeAlwaysAllowed)) return client;
  if (admits(client) && admits(node)) return { ...client, state: "restricts" };
  const note = nodeAlwaysAllowed
    ? "with SNAT to a node IP, it is not defined whether NetworkPolicy sees the client or the node, and traffic from the pod's own node is always allowed (Kubernetes Network Policies, ipBlock)"
    : "with SNAT to a node IP, it is not defined whether the mesh sees the client or the node address";
  return {
    state: "unknown",
    why: `${note} (from the client: ${client.state} — ${client.why}; from a node: ${node.state} — ${node.why})`,
    refs: [...client.refs, ...node.refs],
  };
}

/**
 * The cluster workloads behind each EKS node group: LoadBalancer and NodePort Services send external traffic to
 * nodes (instance targets, NodePort) or to pod IPs on the nodes (ip targets). For each backend, the cloud controls
 * on the way, then the cluster (NetworkPolicy) and mesh layers as the pod sees the traffic. Inputs without
 * Kubernetes Services or node groups come back unchanged.
 */
export function withClusterLayers(model: Model, cloud: CloudModel, list: readonly CloudExposure[]): CloudExposure[] {
  const services = model.services.filter((s) => s.type === "LoadBalancer" || s.type === "NodePort");
  if (services.length === 0 && albIngresses(model).length === 0) return [...list];
  const withMesh = meshApplies(model);
  const ctx: Ctx = { model, cloud, withMesh };
  return list.map((e) => {
    const fronts =
      e.kind === "node-group"
        ? nodeGroupFronts(ctx, e, services)
        : e.kind === "load-balancer"
          ? lbFronts(ctx, e, services)
          : [];
    return fronts.length > 0 ? { ...e, fronts } : e;
  });
}

type Ctx = { readonly model: Model; readonly cloud: CloudModel; readonly withMesh: boolean };

/** Every LoadBalancer/NodePort Service port's backends, as the node group receives them. */
function nodeGroupFronts(ctx: Ctx, e: CloudExposure, services: readonly Service[]): FrontedWorkload[] {
  const subnets = ctx.cloud.interfaces.filter((i) => i.name === e.resource).map((i) => i.subnetId);
  const out: FrontedWorkload[] = [];
  for (const s of services)
    for (const port of s.ports) {
      const clientRanges = (s.type === "LoadBalancer" ? (s.loadBalancerSourceRanges ?? []) : []).map(parseCidr);
      const entry = `Service ${s.namespace}/${s.name} ${s.type} :${s.type === "NodePort" ? (port.nodePort ?? "(node port)") : port.port}/${port.protocol}`;
      out.push(
        ...backendsFronted(ctx, s, port, seenSource(ctx.model, s, port), clientRanges, subnets, entry, () =>
          entryControls(ctx.model, ctx.cloud, e, s, port, clientRanges),
        ),
      );
    }
  out.push(...ingressFronts(ctx, subnets));
  return out;
}

// AWS Load Balancer Controller Ingress annotations (kubernetes-sigs.github.io/aws-load-balancer-controller,
// ingress annotations): class alb; scheme internal by default; target-type instance by default.
const ALB = "alb.ingress.kubernetes.io/";

function ingressAnnotations(model: Model, ing: IngressObject): Readonly<Record<string, string>> {
  return model.annotations?.get(`Ingress/${ing.source.namespace ?? ""}/${ing.source.name}`) ?? {};
}

function albIngresses(model: Model): IngressObject[] {
  return (model.edges?.ingresses ?? []).filter(
    (i) => i.className === "alb" || ingressAnnotations(model, i)["kubernetes.io/ingress.class"] === "alb",
  );
}

/** ALB Ingresses: the ALB sends to pod IPs (target-type ip) or to the backend Service's node port (instance). */
function ingressFronts(ctx: Ctx, subnets: readonly string[]): FrontedWorkload[] {
  const out: FrontedWorkload[] = [];
  for (const ing of albIngresses(ctx.model)) {
    const a = ingressAnnotations(ctx.model, ing);
    const internetFacing = a[`${ALB}scheme`] === "internet-facing";
    const ip = a[`${ALB}target-type`] === "ip";
    const refs = [...ing.routes.map((r) => ({ listen: `${r.host}${r.path}`, backend: r.backend }))];
    if (ing.defaultBackend) refs.push({ listen: "(default backend)", backend: ing.defaultBackend });
    for (const r of refs) {
      const s = findService(ctx.model, r.backend.namespace, r.backend.service);
      const port = s ? findServicePort(s, r.backend.port) : undefined;
      if (!s || !port) continue;
      // The ALB proxies: its private address is the source, then (instance targets) the Service's node port.
      const source: SeenSource = ip
        ? { kind: "lb", why: "ALB ip targets: the ALB proxies to pod IPs from its private addresses" }
        : s.externalTrafficPolicy === "Local"
          ? {
              kind: "lb",
              why: "ALB instance targets: the node port receives the ALB's private address; externalTrafficPolicy Local keeps it",
            }
          : {
              kind: "node",
              beforeSnat: "lb",
              why: "ALB instance targets: the node port receives the ALB's private address; externalTrafficPolicy Cluster SNATs it to a node IP",
            };
      const lb: Control = {
        control: "load balancer",
        state: internetFacing ? "restricts" : "blocks",
        why: internetFacing
          ? "the ALB the Ingress creates (scheme internet-facing) answers only the Ingress's listeners; it is not in the cloud files"
          : "the ALB the Ingress creates is internal (alb.ingress.kubernetes.io/scheme defaults to internal): not reachable from the internet",
        refs: [ing.source],
      };
      const sg: Control = {
        control: "security group",
        state: "unknown",
        why: "the node security group admits the ALB through rules its controller adds; they are not in the files",
        refs: [],
      };
      const entry = `Ingress ${ing.source.namespace ?? ""}/${ing.source.name} ${r.listen} (ALB, ${ip ? "ip" : "instance"} targets) → Service ${s.namespace}/${s.name}:${port.port}`;
      if (!ip && s.type === "ClusterIP") continue; // instance targets need a node port (the controller rejects it)
      out.push(...backendsFronted(ctx, s, port, source, [], subnets, entry, () => [lb, sg]));
    }
  }
  return out;
}

/**
 * A load balancer in the files whose listener forwards to a target group holding an EKS node group: the Services
 * whose node port is the target port receive that traffic.
 */
function lbFronts(ctx: Ctx, e: CloudExposure, services: readonly Service[]): FrontedWorkload[] {
  const { cloud } = ctx;
  const lbEnis = cloud.interfaces.filter((i) => i.name === e.resource && i.kind === "load-balancer");
  const out: FrontedWorkload[] = [];
  for (const l of listenersOf(cloud, lbEnis) ?? []) {
    if (isUnknown(l.port)) continue;
    for (const { group, interfaces, port: tport } of forwardedTargets(cloud, l)) {
      const nodes = interfaces.filter((n) => n.kind === "node-group");
      if (nodes.length === 0) continue;
      const hop = lbToNodes(cloud, lbEnis, nodes, tport);
      for (const s of services)
        for (const port of s.ports) {
          if (port.nodePort !== tport) continue;
          const entry = `listener ${l.port} → target group ${group.name} → Service ${s.namespace}/${s.name} node port ${tport}/${port.protocol}`;
          out.push(
            ...backendsFronted(
              ctx,
              s,
              port,
              seenThroughTargetGroup(s, group.protocol),
              [],
              nodes.map((n) => n.subnetId),
              entry,
              () => [...e.controls, hop],
            ),
          );
        }
    }
  }
  return out;
}

/** The load balancer → node hop (LB security group egress, NACLs, the node security group). */
function lbToNodes(cloud: CloudModel, lbEnis: NetworkInterface[], nodes: NetworkInterface[], port: number): Control {
  let result: PathResult | undefined;
  for (const f of lbEnis)
    for (const t of nodes) {
      const from = eniParty(cloud, f);
      const to = eniParty(cloud, t);
      if (!from || !to) continue;
      const r = evaluatePath(cloud, from, to, 6, port);
      if (!result || r.status === "allow" || (r.status === "unknown" && result.status === "deny")) result = r;
    }
  const last = result?.hops.find((h) => h.status !== "allow") ?? result?.hops[result.hops.length - 1];
  const state: Control["state"] =
    result?.status === "allow" ? "restricts" : result?.status === "deny" ? "blocks" : "unknown";
  return {
    control: "security group",
    state,
    why: `load balancer → node port ${port}: ${last ? `${last.step}: ${last.why}` : "no path is known"}`,
    refs: last?.refs ?? [],
  };
}

/** The backends of one Service port, each judged by the cluster and mesh layers as the pod sees the traffic. */
function backendsFronted(
  ctx: Ctx,
  s: Service,
  port: ServicePort,
  source: SeenSource,
  clientRanges: readonly Cidr[],
  nodeSubnets: readonly string[],
  entry: string,
  cloudControls: () => Control[],
): FrontedWorkload[] {
  const { model, cloud } = ctx;
  const client = clientRanges.length > 0 ? [...clientRanges] : [parseCidr("0.0.0.0/0")];
  const out: FrontedWorkload[] = [];
  const seen = new Set<string>();
  for (const b of serviceBackends(model, s, port)) {
    if (seen.has(`${b.pod.workload}|${b.port}`)) continue;
    seen.add(`${b.pod.workload}|${b.port}`);
    const to = podParty(model, b.pod);
    const on = (fn: typeof clusterOn, kind: "client" | "lb" | "nodes") =>
      kind === "client"
        ? fn(model, to, b.port, port.protocol, client, true)
        : fn(model, to, b.port, port.protocol, ranges(cloud, nodeSubnets, kind === "lb"), false);
    const judge = (fn: typeof clusterOn, nodeAlwaysAllowed: boolean): Judged =>
      source.kind === "node"
        ? agree(on(fn, source.beforeSnat ?? "client"), on(fn, "nodes"), nodeAlwaysAllowed)
        : on(fn, source.kind);
    const cl = judge(clusterOn, true);
    const controls: Control[] = [...cloudControls()];
    controls.push({ control: "cluster", state: cl.state, why: cl.why, refs: cl.refs });
    if (ctx.withMesh) {
      const m = judge(meshOn, false);
      controls.push({ control: "mesh", state: m.state, why: m.why, refs: m.refs });
    }
    out.push({
      workload: b.pod.workload,
      pod: `${b.pod.namespace}/${b.pod.name}`,
      entry,
      entrySource: s.source,
      port: b.port,
      protocol: port.protocol,
      source,
      controls,
      depth: controls.filter((c) => c.state === "blocks").length,
    });
  }
  return out;
}

/**
 * The cloud controls on the way in: a NodePort is reached on the node itself (the node group's own controls); a
 * LoadBalancer Service through a load balancer its controller creates (not in the files) listening on the Service
 * port, whose traffic the node security group admits through rules the controller adds (not in the files either).
 */
/**
 * Whether the load balancer a Service creates faces the internet. AWS Load Balancer Controller (type external /
 * nlb-ip): aws-load-balancer-scheme, "internal" by default since v2.2 (LBC guide, service/nlb "Secure by default");
 * the deprecated aws-load-balancer-internal still counts. In-tree provider: internet-facing unless
 * aws-load-balancer-internal is set to anything but "false" (legacy cloud provider annotation).
 */
export function serviceLbScheme(annotations: Readonly<Record<string, string>>): { internal: boolean; why: string } {
  const type = annotations[`${ANNOTATION}aws-load-balancer-type`];
  const scheme = annotations[`${ANNOTATION}aws-load-balancer-scheme`];
  const internalFlag = annotations[`${ANNOTATION}aws-load-balancer-internal`];
  if (type === "external" || type === "nlb-ip") {
    if (scheme !== undefined)
      return { internal: scheme !== "internet-facing", why: `aws-load-balancer-scheme: ${scheme}` };
    if (internalFlag !== undefined)
      return { internal: internalFlag !== "false", why: `aws-load-balancer-internal: ${internalFlag}` };
    return {
      internal: true,
      why: "the AWS Load Balancer Controller creates internal NLBs unless aws-load-balancer-scheme is internet-facing",
    };
  }
  if (internalFlag !== undefined && internalFlag !== "" && internalFlag !== "false")
    return { internal: true, why: `aws-load-balancer-internal: ${internalFlag}` };
  return { internal: false, why: "the in-tree provider creates internet-facing load balancers by default" };
}

function entryControls(
  model: Model,
  cloud: CloudModel,
  e: CloudExposure,
  s: Service,
  port: ServicePort,
  sourceRanges: readonly Cidr[],
): Control[] {
  if (s.type === "NodePort") return nodePortControls(cloud, e, port);
  const scheme = serviceLbScheme(annotationsOf(model, s));
  return [
    scheme.internal
      ? {
          control: "load balancer",
          state: "blocks",
          why: `the load balancer the Service creates is internal (${scheme.why}): not reachable from the internet`,
          refs: [s.source],
        }
      : {
          control: "load balancer",
          state: "restricts",
          why: `the load balancer the Service creates listens only on ${port.protocol}/${port.port}${sourceRanges.length > 0 ? ` from ${sourceRanges.map((c) => c.text).join(", ")} (loadBalancerSourceRanges)` : ""}; it is not in the cloud files`,
          refs: [s.source],
        },
    {
      control: "security group",
      state: "unknown",
      why: "the node security group admits the load balancer through rules its controller adds; they are not in the files",
      refs: [],
    },
  ];
}

/** Internet → a node on the Service's node port: the node group's own controls on that port (else on any port). */
function nodePortControls(cloud: CloudModel, e: CloudExposure, port: ServicePort): Control[] {
  const nodePort = port.nodePort;
  const enis = cloud.interfaces.filter((i) => i.name === e.resource);
  if (nodePort === undefined || enis.length === 0) return [...e.controls];
  const protocol = port.protocol === "UDP" ? 17 : port.protocol === "SCTP" ? 132 : 6;
  let best: { eni: NetworkInterface; path: PathResult } | undefined;
  for (const eni of enis) {
    const to = eniParty(cloud, eni);
    if (!to) continue;
    const path = evaluatePath(cloud, internetParty(), to, protocol, nodePort);
    const denies = (p: PathResult) => p.hops.filter((h) => h.status === "deny").length;
    if (!best || path.status === "allow" || denies(path) < denies(best.path)) best = { eni, path };
    if (path.status === "allow") break;
  }
  return best ? controls(cloud, best.eni, best.path) : [...e.controls];
}
