import { policySelects } from "../../cluster/evaluate-cluster.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";
import { describeSubject } from "./describe-policy.js";

export const policySelectsNothing: AuditRule = {
  id: "WARD-NP-006",
  layer: "cluster",
  severity: "low",
  title: "Policy that selects no pod",
  rationale:
    "A policy whose selector matches no pod protects nothing: usually a label typo or a renamed app, and the pods it was meant for are left open.",
  fix: "Fix the selector to match the intended pods' labels, or delete the policy.",
  equivalents: { kubeScore: "networkpolicy-targets-pod" },
  check(ctx) {
    const out: Finding[] = [];
    for (const policy of ctx.model.policies) {
      if (ctx.model.pods.some((p) => policySelects(policy, ctx.party(p)))) continue;
      out.push(
        findingOf(
          this,
          policy.source,
          `${policy.source.kind} ${policy.source.name} selects no pod: ${describeSubject(policy)}`,
        ),
      );
    }
    return out;
  },
};
