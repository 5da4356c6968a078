import { UsageError } from "../../errors/input-error.js";
import type { Pod } from "../../model/endpoint.js";
import type { Model } from "../../model/model.js";
import type { Protocol } from "../../model/ports.js";
import { describePeer, describePort, describeRanges } from "../cluster/describe.js";
import {
  type ClusterOutcome,
  type DirectionOutcome,
  evaluateCluster,
  LOOPBACK,
  type RuleOutcome,
} from "../cluster/evaluate-cluster.js";
import { checkFqdnDns } from "../cluster/fqdn-dns.js";
import { buildPodClasses } from "../matrix/pod-classes.js";
import { meshBlocks, meshGroupKey } from "../mesh/mesh-groups.js";
import {
  type AllMeshOptions,
  DEFAULT_ALL_MESH_OPTIONS,
  type MeshLayerResult,
  meshApplies,
  meshLayer,
} from "../mesh/mesh-layer.js";
import { externalParty, type Party, podParty } from "../party.js";
import { ANY_REQUEST, isOpenRequest, type Request } from "../request.js";
import { type Decision, decision, type Verdict } from "../verdict.js";
import { endpointName, type ResolvedEndpoint, resolveEndpoint } from "./resolve-endpoint.js";

export type ReachQuery = {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** The L7 request (--method/--path/--host/--header); what is not given is open. */
  readonly request?: Request;
  /** The client sends plaintext, as if it had no sidecar (--plaintext). */
  readonly plaintext?: boolean;
  readonly mesh?: AllMeshOptions;
};

export type PartyPairOutcome = {
  readonly from: string;
  readonly to: string;
  readonly outcome: ClusterOutcome;
  /** The mesh layer, when the input uses a mesh. */
  readonly mesh?: MeshLayerResult;
};

export type ReachResult = {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** Allowed for at least one pod pair of the two workloads. */
  readonly allowed: boolean;
  /** Some pod pairs are allowed and others denied. */
  readonly partial: boolean;
  readonly verdict: Verdict;
  /** One evaluated pair per distinct pair of pod classes, denied ones first. */
  readonly pairs: readonly PartyPairOutcome[];
};

type Side = {
  readonly name: string;
  readonly party: Party;
  readonly cls: number;
  readonly pod?: Pod;
  /** A Service backend: the target port the Service port resolves to on this pod. */
  readonly port?: number;
};

/** The pods worth evaluating: up to two per class (two, so a replica-to-replica pair exists within one class). */
function sides(model: Model, endpoint: ResolvedEndpoint, classOf: (pod: Pod) => number): Side[] {
  if (endpoint.kind === "external") return [{ name: endpoint.cidr, party: externalParty(endpoint.cidr), cls: -1 }];
  if (endpoint.kind === "fqdn") return [{ name: endpoint.name, party: { kind: "fqdn", name: endpoint.name }, cls: -1 }];
  const perClass = new Map<number, number>();
  const out: Side[] = [];
  for (const pod of endpoint.pods) {
    const cls = classOf(pod);
    const n = perClass.get(cls) ?? 0;
    if (n >= 2) continue;
    perClass.set(cls, n + 1);
    const port = endpoint.kind === "service" ? endpoint.targetPorts.get(pod) : undefined;
    out.push({
      name: `${pod.namespace}/${pod.name}`,
      party: podParty(model, pod),
      cls,
      pod,
      ...(port ? { port } : {}),
    });
  }
  return out;
}

function ruleReason(verb: string, who: string, r: RuleOutcome): string {
  const peer = r.peer === undefined ? "" : describePeer(r.peer);
  const port = r.port === undefined ? "" : describePort(r.port);
  const l7 =
    r.l7 === "restricted"
      ? " (L7: only the HTTP requests its rules allow)"
      : r.l7 === "matched"
        ? " (HTTP request matches)"
        : "";
  const what = r.action === "allow" ? "allowed" : "denied";
  return `${verb} ${who} ${what}: ${r.action} rule matches ${peer} on ${port}${l7}`;
}

function directionReasons(d: DirectionOutcome, who: string, other: string, what: string): Decision[] {
  if (!d.applies) return [];
  const verb = d.direction === "egress" ? "egress from" : "ingress to";
  const passed = d.passedBy.map((r) =>
    decision(`${verb} ${who}: pass rule hands ${other} on ${what} to the next tier`, r.rule),
  );
  const decided = d.decidedBy;
  if (decided.kind === "default") {
    if (d.policies.length === 0)
      return [decision(`${verb} ${who}: no policy selects it for ${d.direction}, so it is not isolated`)];
    return [
      ...passed,
      decision(`${verb} ${who}: no rule decides ${other} on ${what} and no policy isolates it, so it is allowed`),
    ];
  }
  if (decided.kind === "rule") {
    const out = [...passed, decision(ruleReason(verb, who, decided.rule), decided.rule.rule)];
    if (d.dns !== undefined) out.push(decision(`${verb} ${who} ${d.dns.ok ? "" : "denied: "}${d.dns.why}`));
    // A union of allows: name every other rule of the tier that also allows.
    if (decided.action === "allow")
      for (const p of d.policies)
        for (const r of p.rules)
          if (r !== decided.rule && r.matched && r.action === "allow" && p.tier === tierOf(d, decided.rule))
            out.push(decision(ruleReason(verb, who, r), r.rule));
    return out;
  }
  const partial =
    d.partial && d.partial.length > 0
      ? `; policy allows only part of ${other}: ${describeRanges(other.includes(":") ? 6 : 4, d.partial)}`
      : "";
  return [
    ...passed,
    ...decided.policies.map((ref) => {
      const p = d.policies.find((x) => x.policy === ref);
      const n = p?.rules.length ?? 0;
      const rules =
        n === 0
          ? `it has no ${d.direction} rules`
          : `none of its ${n} ${d.direction} rule${n === 1 ? "" : "s"} allows ${other} on ${what}`;
      const undecided = p?.rules.find((r) => r.undecided !== undefined)?.undecided;
      const why = undecided === undefined ? "" : ` (${undecided})`;
      return decision(`${verb} ${who} denied: this policy isolates it and ${rules}${why}${partial}`, ref);
    }),
  ];
}

/** Egress by name: an FQDN rule works only when the DNS lookup is allowed and seen by the DNS proxy. */
function withDnsCheck(model: Model, from: Party, name: string, outcome: ClusterOutcome): ClusterOutcome {
  const dns = checkFqdnDns(model, from, name, outcome.egress);
  if (dns === undefined) return outcome;
  const egress = { ...outcome.egress, dns, allowed: outcome.egress.allowed && dns.ok };
  return { ...outcome, egress, allowed: egress.allowed && outcome.ingress.allowed };
}

function tierOf(d: DirectionOutcome, rule: RuleOutcome): string | undefined {
  return d.policies.find((p) => p.rules.includes(rule))?.tier;
}

export function clusterVerdict(outcome: ClusterOutcome, from: string, to: string, what: string): Verdict {
  if (outcome.loopback)
    return {
      allowed: true,
      layers: [
        {
          layer: "cluster",
          allowed: true,
          decidedBy: [decision("loopback: a single pod talking to itself is never subject to NetworkPolicy")],
        },
      ],
    };
  // An allowed verdict names what allowed each direction; a denied one names only the direction(s) that denied.
  const decidedBy = [
    ...(outcome.allowed || !outcome.egress.allowed ? directionReasons(outcome.egress, from, to, what) : []),
    ...(outcome.allowed || !outcome.ingress.allowed ? directionReasons(outcome.ingress, to, from, what) : []),
  ];
  return { allowed: outcome.allowed, layers: [{ layer: "cluster", allowed: outcome.allowed, decidedBy }] };
}

export function reach(model: Model, query: ReachQuery): ReachResult {
  const from = resolveEndpoint(model, query.from, "--from");
  const to = resolveEndpoint(model, query.to, "--to", query);
  const classes = buildPodClasses(model);
  const index = new Map(model.pods.map((p, i) => [p, i]));
  const withMesh = meshApplies(model);
  // With a mesh, pods of one class may still differ in what the mesh reads (injection, service account, annotations,
  // ports, address blocks): each distinct (class, mesh key) is evaluated.
  const blocks = withMesh ? meshBlocks(model, query.mesh ?? DEFAULT_ALL_MESH_OPTIONS) : [];
  const groups = new Map<string, number>();
  const classOf = (pod: Pod) => {
    const cls = classes.classOfPod[index.get(pod) ?? -1] ?? -1;
    if (!withMesh || cls < 0) return cls;
    const key = `${cls}\u0002${meshGroupKey(pod, blocks)}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = groups.size;
      groups.set(key, g);
    }
    return g;
  };
  const what = `${query.protocol}/${query.port}`;
  const sameWorkload = from.kind === "workload" && to.kind === "workload" && from.workload.id === to.workload.id;
  if (from.kind === "service") throw new UsageError("--from: a Service is only a destination (--to)");
  const pairs: PartyPairOutcome[] = [];
  // A Service destination: the target port each backend pod was reached on.
  const targetPort = new Map<string, number>();
  const request = query.request ?? ANY_REQUEST;
  if (sameWorkload && from.workload.single) {
    const name = endpointName(from);
    pairs.push({ from: name, to: name, outcome: LOOPBACK });
  } else {
    const seen = new Set<string>();
    for (const a of sides(model, from, classOf)) {
      for (const b of sides(model, to, classOf)) {
        // Replica to replica: distinct pods, unless one pod stands for several replicas.
        if (sameWorkload && a.pod === b.pod && from.pods.length > 1) continue;
        const key = `${a.cls}:${b.cls}`;
        if (a.cls >= 0 && b.cls >= 0 && seen.has(key)) continue;
        seen.add(key);
        if (b.port !== undefined) targetPort.set(b.name, b.port);
        let outcome = evaluateCluster(model, {
          from: a.party,
          to: b.party,
          port: b.port ?? query.port,
          protocol: query.protocol,
          ...(isOpenRequest(request) ? {} : { request }),
        });
        if (b.party.kind === "fqdn") outcome = withDnsCheck(model, a.party, b.party.name, outcome);
        const mesh = withMesh
          ? meshLayer(
              model,
              {
                from: a.party,
                to: b.party,
                port: b.port ?? query.port,
                protocol: query.protocol,
                request,
                plaintext: query.plaintext === true,
              },
              query.mesh ?? DEFAULT_ALL_MESH_OPTIONS,
            )
          : undefined;
        pairs.push({ from: a.name, to: b.name, outcome, ...(mesh === undefined ? {} : { mesh }) });
      }
    }
  }
  // Every layer must allow: the cluster layer and, inside a mesh, the mesh layer.
  const ok = (p: PartyPairOutcome) => p.outcome.allowed && (p.mesh?.allowed ?? true);
  pairs.sort((x, y) => Number(ok(x)) - Number(ok(y)));
  const allowed = pairs.some(ok);
  const partial = allowed && pairs.some((p) => !ok(p));
  const shown = pairs.find((p) => ok(p) === allowed) ?? pairs[0];
  const verdict: Verdict = shown
    ? withMeshLayer(
        {
          ...clusterVerdict(
            shown.outcome,
            shown.from,
            shown.to,
            targetPort.has(shown.to)
              ? `${query.protocol}/${targetPort.get(shown.to)} (Service port ${query.port})`
              : what,
          ),
          allowed,
        },
        shown.mesh,
      )
    : {
        allowed: false,
        layers: [
          {
            layer: "cluster",
            allowed: false,
            decidedBy: [
              decision(
                to.kind === "service" ? "the Service has no backend pod with that port" : "the workload has no pods",
              ),
            ],
          },
        ],
      };
  return {
    from: endpointName(from),
    to: endpointName(to),
    port: query.port,
    protocol: query.protocol,
    allowed,
    partial,
    verdict,
    pairs,
  };
}

function withMeshLayer(v: Verdict, mesh: MeshLayerResult | undefined): Verdict {
  if (mesh === undefined) return v;
  const layer = { layer: mesh.layer, allowed: mesh.allowed, decidedBy: mesh.decidedBy };
  return { allowed: v.allowed, layers: [...v.layers, layer] };
}
