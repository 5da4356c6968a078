import type { Pod } from "../../../model/endpoint.js";
import type { Direction } from "../../../model/policy.js";
import { PROTOCOLS } from "../../../model/ports.js";
import type { SourceRef } from "../../../model/source-ref.js";
import type { DirectionOutcome } from "../../cluster/evaluate-cluster.js";
import { formatPorts, isEmptyPorts, type PortSet, subtractPorts } from "../../port-set.js";
import { type AuditContext, findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

function firstPort(set: PortSet): { port: number; protocol: (typeof PROTOCOLS)[number] } | undefined {
  for (const protocol of PROTOCOLS) {
    const r = set[protocol][0];
    if (r !== undefined) return { port: r[0], protocol };
  }
  return undefined;
}

function deciders(d: DirectionOutcome): SourceRef[] {
  const by = d.decidedBy;
  if (by.kind === "rule") return [by.rule.rule];
  if (by.kind === "isolated") return [...by.policies];
  return [];
}

/**
 * A half-open path: one end's policy allows a connection that the other end's policy denies. Both ends must be
 * isolated for their direction (a pod no policy isolates allows by default; that is not a rule allowing). The
 * matrices of each direction alone give, per pair of pod classes, the ports each side allows; their difference is
 * proved again with the reference evaluator on one connection, which names both rules.
 */
function halfOpen(ctx: AuditContext, rule: AuditRule): Finding[] {
  const out: Finding[] = [];
  const egress = ctx.directionMatrix("egress");
  const ingress = ctx.directionMatrix("ingress");
  const classes = ctx.classes;
  const n = classes.classes.length;
  const rep: (Pod | undefined)[] = new Array(n);
  ctx.model.pods.forEach((p, i) => {
    const c = classes.classOfPod[i] as number;
    rep[c] ??= p;
  });
  const isolated = (c: number, d: Direction) => {
    const pod = rep[c];
    return pod !== undefined && !pod.hostNetwork && ctx.isolated(pod, d);
  };
  const seen = new Set<string>();
  for (const from of ctx.model.workloads) {
    for (const to of ctx.model.workloads) {
      if (from === to && from.single) continue;
      for (const fi of from.pods) {
        for (const ti of to.pods) {
          if (from === to && fi === ti && from.pods.length > 1) continue;
          const a = classes.classOfPod[fi] as number;
          const b = classes.classOfPod[ti] as number;
          if (!isolated(a, "egress") || !isolated(b, "ingress")) continue;
          const e = egress.ports.get(egress.allowed[a * n + b] as number);
          const i = ingress.ports.get(ingress.allowed[a * n + b] as number);
          for (const [side, extra] of [
            ["egress", subtractPorts(e, i)],
            ["ingress", subtractPorts(i, e)],
          ] as const) {
            if (isEmptyPorts(extra)) continue;
            const key = `${from.id}|${to.id}|${side}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const probe = firstPort(extra);
            if (probe === undefined) continue;
            const src = ctx.party(ctx.model.pods[fi] as Pod);
            const dst = ctx.party(ctx.model.pods[ti] as Pod);
            const outcome = ctx.evaluate(src, dst, probe.port, probe.protocol);
            const allowing = side === "egress" ? outcome.egress : outcome.ingress;
            const denying = side === "egress" ? outcome.ingress : outcome.egress;
            if (!allowing.allowed || denying.allowed) continue; // the reference evaluator must agree
            const allowedBy = deciders(allowing);
            const deniedBy = deciders(denying);
            const subject = allowedBy[0];
            if (subject === undefined) continue;
            const where = (r: SourceRef) =>
              `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name} (${r.file}:${r.line})`;
            const message =
              side === "egress"
                ? `${from.id} → ${to.id} on ${formatPorts(extra)}: egress is allowed by ${allowedBy.map(where).join(", ")} but ${to.id}'s ingress denies it (${deniedBy.map(where).join(", ")})`
                : `${from.id} → ${to.id} on ${formatPorts(extra)}: ingress is allowed by ${allowedBy.map(where).join(", ")} but ${from.id}'s egress denies it (${deniedBy.map(where).join(", ")})`;
            out.push(
              findingOf(rule, subject, message, {
                related: deniedBy,
                evidence: [ctx.prove(src, dst, probe.port, probe.protocol)],
              }),
            );
          }
        }
      }
    }
  }
  return out;
}

export const halfOpenPath: AuditRule = {
  id: "WARD-NP-005",
  layer: "cluster",
  severity: "medium",
  title: "Half-open path: one end allows, the other end denies",
  rationale:
    "A connection allowed at the source's egress but denied at the destination's ingress (or the reverse) never works: one of the two rules is wrong, stale, or hides a missing allow that someone will later open too widely.",
  fix: "Add the matching rule on the other end, or remove the rule that allows a path nobody can use.",
  equivalents: {},
  check: (ctx) => halfOpen(ctx, halfOpenPath),
};
