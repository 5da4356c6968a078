import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

// kubernetes.io NetworkPolicy "NetworkPolicy and hostNetwork pods": behaviour is undefined; a plugin that cannot
// tell hostNetwork traffic apart ignores these pods and treats their traffic as the node's.
export const hostNetworkPods: AuditRule = {
  id: "WARD-NP-012",
  layer: "cluster",
  severity: "medium",
  title: "hostNetwork pod: NetworkPolicy does not apply",
  rationale:
    "A pod on the host network uses the node's address; most network plugins cannot police it, so policies that select it (and peers naming it) do not take effect.",
  fix: "Drop `hostNetwork: true` where it is not required; otherwise restrict the node with host firewall rules (Calico HostEndpoint, Cilium host policies).",
  equivalents: { kubescape: "C-0041", checkov: "CKV_K8S_19", trivy: "KSV009", polaris: "hostNetworkSet" },
  check(ctx) {
    const out: Finding[] = [];
    for (const w of ctx.model.workloads) {
      const pods = ctx.podsOf(w).filter((p) => p.hostNetwork);
      if (pods.length === 0) continue;
      const selecting = new Set(
        pods.flatMap((p) => [...ctx.selecting(p, "ingress"), ...ctx.selecting(p, "egress")]).map((p) => p.source),
      );
      const note =
        selecting.size === 0
          ? ""
          : `; ${selecting.size} polic${selecting.size === 1 ? "y selects" : "ies select"} it and may not be enforced`;
      out.push(
        findingOf(
          this,
          w.source,
          `${w.kind} ${w.id} runs with hostNetwork: true: NetworkPolicy does not apply${note}`,
          {
            related: [...selecting],
          },
        ),
      );
    }
    return out;
  },
};
