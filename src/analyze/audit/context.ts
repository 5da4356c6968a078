import type { Pod, Workload } from "../../model/endpoint.js";
import type { Model } from "../../model/model.js";
import type { ClusterPolicy, Direction } from "../../model/policy.js";
import type { Protocol } from "../../model/ports.js";
import type { SourceRef } from "../../model/source-ref.js";
import { type Connection, evaluateCluster, policySelects } from "../cluster/evaluate-cluster.js";
import { type ClassMatrix, computeClassMatrix } from "../matrix/class-matrix.js";
import { buildPodClasses, type PodClasses } from "../matrix/pod-classes.js";
import { type Party, partyName, podParty } from "../party.js";
import { clusterVerdict } from "../reach/reach.js";
import type { Evidence, Finding, Severity } from "./finding.js";

type PodParty = Party & { kind: "pod" };

/**
 * What the rules share: the model, and engine results computed once on demand (pod classes, the class matrix, and
 * the matrices of one direction alone, which show half-open paths).
 */
export class AuditContext {
  private classesCache: PodClasses | undefined;
  private matrixCache: ClassMatrix | undefined;
  private readonly directionCache = new Map<Direction, ClassMatrix>();
  private readonly partyCache = new Map<Pod, PodParty>();

  constructor(readonly model: Model) {}

  get classes(): PodClasses {
    this.classesCache ??= buildPodClasses(this.model);
    return this.classesCache;
  }

  /** Both directions: what the cluster layer allows between pod classes. */
  get matrix(): ClassMatrix {
    this.matrixCache ??= computeClassMatrix(this.model, this.classes);
    return this.matrixCache;
  }

  /** What one direction alone allows (the other direction's policies removed), on the same classes. */
  directionMatrix(direction: Direction): ClassMatrix {
    let m = this.directionCache.get(direction);
    if (m === undefined) {
      const other: Direction = direction === "ingress" ? "egress" : "ingress";
      const policies = this.model.policies
        .filter((p) => p[direction] !== undefined)
        .map((p) => ({ ...p, [other]: undefined, isolates: { ...p.isolates, [other]: false } }) as ClusterPolicy);
      m = computeClassMatrix({ ...this.model, policies }, this.classes);
      this.directionCache.set(direction, m);
    }
    return m;
  }

  party(pod: Pod): PodParty {
    const cached = this.partyCache.get(pod);
    if (cached !== undefined) return cached;
    const p = podParty(this.model, pod) as PodParty;
    this.partyCache.set(pod, p);
    return p;
  }

  podsOf(workload: Workload): Pod[] {
    return workload.pods.map((i) => this.model.pods[i] as Pod);
  }

  /** Policies that select the pod for a direction (any tier). */
  selecting(pod: Pod, direction: Direction): ClusterPolicy[] {
    const party = this.party(pod);
    return this.model.policies.filter((p) => p[direction] !== undefined && policySelects(p, party));
  }

  /** Is the pod isolated for the direction: selected by a policy whose tier denies what no rule allows? */
  isolated(pod: Pod, direction: Direction): boolean {
    return this.selecting(pod, direction).some((p) => p.isolates[direction] && p.tier.defaultAction === "deny");
  }

  /** Decides one connection with the reference evaluator and keeps the verdict as evidence. */
  prove(from: Party, to: Party, port: number, protocol: Protocol): Evidence {
    const loopback = from === to;
    const conn: Connection = { from, to, port, protocol, ...(loopback ? { loopback } : {}) };
    const outcome = evaluateCluster(this.model, conn);
    const fromName = partyName(from);
    const toName = partyName(to);
    const verdict = clusterVerdict(outcome, fromName, toName, `${protocol}/${port}`);
    return {
      from: fromName,
      to: toName,
      port,
      protocol,
      allowed: verdict.allowed,
      decidedBy: verdict.layers.flatMap((l) => l.decidedBy),
    };
  }

  /** The raw outcome, for rules that need to know which rule decided. */
  evaluate(from: Party, to: Party, port: number, protocol: Protocol) {
    return evaluateCluster(this.model, { from, to, port, protocol });
  }
}

/** A finding builder bound to a rule's id and severity. */
export function findingOf(
  rule: { id: string; severity: Severity },
  subject: SourceRef,
  message: string,
  extra: { related?: readonly SourceRef[]; evidence?: readonly Evidence[] } = {},
): Finding {
  return {
    rule: rule.id,
    severity: rule.severity,
    subject,
    message,
    ...(extra.related && extra.related.length > 0 ? { related: extra.related } : {}),
    ...(extra.evidence && extra.evidence.length > 0 ? { evidence: extra.evidence } : {}),
  };
}
