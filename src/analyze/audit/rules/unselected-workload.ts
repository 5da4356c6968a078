import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

export const unselectedWorkload: AuditRule = {
  id: "WARD-NP-003",
  layer: "cluster",
  severity: "medium",
  title: "Workload selected by no policy",
  rationale: "A workload no policy selects accepts every connection and may open any: it is outside segmentation.",
  fix: "Select it with a policy (a namespace default-deny does) and allow only the paths it needs.",
  equivalents: {
    kubescape: "C-0260",
    kubeScore: "pod-networkpolicy",
    checkov: "CKV2_K8S_6",
    polaris: "missingNetworkPolicy",
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const w of ctx.model.workloads) {
      const pods = ctx.podsOf(w);
      if (pods.length === 0 || pods.every((p) => p.hostNetwork)) continue;
      const unselected = pods.some((p) => ctx.selecting(p, "ingress").length + ctx.selecting(p, "egress").length === 0);
      if (unselected)
        out.push(
          findingOf(this, w.source, `${w.kind} ${w.id} is selected by no policy: all ingress and egress are allowed`),
        );
    }
    return out;
  },
};
