import type { ImageVerification } from "../../../model/admission.js";
import type { Workload } from "../../../model/endpoint.js";
import { type AuditContext, findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";
import { imageString, parseImage, wildcardMatch } from "./image-reference.js";

function imagesOf(ctx: AuditContext, w: Workload): string[] {
  const out = new Set<string>();
  for (const p of ctx.podsOf(w)) for (const i of p.images ?? []) out.add(i);
  return [...out];
}

/** Does the verifyImages rule check this image in this namespace? */
export function covers(v: ImageVerification, namespace: string, image: string): boolean {
  if (!v.matchesPods) return false;
  if (v.namespace !== "" && v.namespace !== namespace) return false;
  if (v.namespaces !== undefined && !v.namespaces.some((n) => wildcardMatch(n, namespace))) return false;
  const full = imageString(parseImage(image));
  if (v.skipImageReferences.some((p) => wildcardMatch(p, full))) return false;
  return v.imageReferences.some((p) => wildcardMatch(p, full));
}

export const unverifiedImages: AuditRule = {
  id: "WARD-SUPPLY-001",
  layer: "supply-chain",
  severity: "medium",
  title: "Workload images that no Kyverno verifyImages rule covers",
  rationale:
    "Signing images in CI protects nothing unless admission verifies the signature: an image no verifyImages rule matches is admitted unsigned.",
  fix: "Add the image's registry/repository to a verifyImages rule's imageReferences (Kyverno matches registry/path:tag with * and ? wildcards; docker.io is added to bare names).",
  equivalents: {},
  check(ctx) {
    const rules = ctx.model.admission ?? [];
    const out: Finding[] = [];
    for (const w of ctx.model.workloads) {
      const missing = imagesOf(ctx, w).filter((i) => !rules.some((v) => covers(v, w.namespace, i)));
      if (missing.length === 0) continue;
      const why =
        rules.length === 0 ? "there is no Kyverno verifyImages rule in the input" : "no verifyImages rule matches";
      out.push(
        findingOf(
          this,
          w.source,
          `${w.kind} ${w.id}: image ${missing.map((i) => `${i} (${imageString(parseImage(i))})`).join(", ")} unverified: ${why}`,
        ),
      );
    }
    return out;
  },
};

export const auditModeVerification: AuditRule = {
  id: "WARD-SUPPLY-002",
  layer: "supply-chain",
  severity: "high",
  title: "Image verification in Audit mode",
  rationale:
    "In Audit mode Kyverno admits an image whose signature fails and only writes a report: verification that does not block. Kyverno's default is Audit, so a policy that does not say Enforce does not enforce.",
  fix: "Set `validationFailureAction: Enforce` on the policy (or `failureAction: Enforce` on the verifyImages entry, Kyverno ≥ 1.13).",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const v of ctx.model.admission ?? []) {
      if (v.action !== "Audit") continue;
      const how = v.actionExplicit ? "is set to Audit" : "is not set, and Kyverno defaults to Audit";
      out.push(
        findingOf(
          this,
          { ...v.policy, line: v.line },
          `${v.policy.kind} ${v.policy.name} rule ${v.rule}: failure action ${how}: unsigned images matching ${v.imageReferences.join(", ")} are admitted`,
        ),
      );
    }
    return out;
  },
};

export const imageByTag: AuditRule = {
  id: "WARD-SUPPLY-003",
  layer: "supply-chain",
  severity: "low",
  title: "Image referenced by tag, not digest",
  rationale:
    "A tag can be moved to other content after review; only a digest names exactly what was built, scanned and signed.",
  fix: "Pin images by digest (`image: registry/app@sha256:…`), or let Kyverno's verifyImages mutateDigest rewrite them.",
  // kube-score container-image-tag and Polaris tagNotSpecified only require a tag other than latest: not this check.
  equivalents: { checkov: "CKV_K8S_43" },
  check(ctx) {
    const out: Finding[] = [];
    for (const w of ctx.model.workloads) {
      const tagged = imagesOf(ctx, w).filter((i) => parseImage(i).digest === undefined);
      if (tagged.length === 0) continue;
      out.push(
        findingOf(this, w.source, `${w.kind} ${w.id}: image ${tagged.join(", ")} referenced by tag, not digest`),
      );
    }
    return out;
  },
};
