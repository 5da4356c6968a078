import type { Pod } from "../../../model/endpoint.js";
import { EMPTY_MESH } from "../../../model/mesh.js";
import type { SourceRef } from "../../../model/source-ref.js";
import { istioInjection } from "../../mesh/injection.js";
import { DEFAULT_MESH_OPTIONS, resolveMtls } from "../../mesh/istio-evaluate.js";
import { type AuditContext, findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";
import { refText } from "./describe-policy.js";

const ROOT = DEFAULT_MESH_OPTIONS.rootNamespace;

function injected(ctx: AuditContext): Pod[] {
  return ctx.model.pods.filter((p) => istioInjection(p, ctx.model.namespaces.get(p.namespace)).injected);
}

/** Istio is in use: a pod gets a sidecar, or the input has Istio security policies. */
function istioInUse(ctx: AuditContext): boolean {
  const istio = (ctx.model.mesh ?? EMPTY_MESH).istio;
  return injected(ctx).length > 0 || istio.peerAuthentications.length > 0 || istio.authorizationPolicies.length > 0;
}

export const meshWithoutStrict: AuditRule = {
  id: "WARD-MESH-001",
  layer: "mesh",
  severity: "high",
  title: "Meshed workload port without STRICT mTLS",
  rationale:
    "PERMISSIVE (Istio's default when nothing is set) or DISABLE accepts plaintext: any pod, meshed or not, can connect without a certificate, and identity-based AuthorizationPolicy cannot see who it is.",
  fix: "Apply a PeerAuthentication with `mtls.mode: STRICT` in the namespace (or mesh-wide in istio-system) and remove PERMISSIVE/DISABLE overrides once every client is meshed.",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const pod of injected(ctx)) {
      const ports = pod.ports.length > 0 ? pod.ports.map((p) => p.port) : [0];
      for (const port of ports) {
        // istio.io PeerAuthentication: workload > namespace > mesh; port-level wins; unset = PERMISSIVE.
        const r = resolveMtls(ctx.model, pod, port, DEFAULT_MESH_OPTIONS);
        if (r.mode === "STRICT") continue;
        const key = `${pod.workload}|${r.mode}|${r.ref?.name ?? ""}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const workload = ctx.model.workloads.find((w) => w.id === pod.workload);
        const subject: SourceRef = r.ref ?? workload?.source ?? pod.source;
        out.push(
          findingOf(
            this,
            subject,
            `${pod.workload}${port ? ` port ${port}` : ""} accepts ${r.mode === "DISABLE" ? "only plaintext (DISABLE)" : "plaintext (PERMISSIVE)"}: ${r.why}`,
          ),
        );
      }
    }
    return out;
  },
};

export const noMeshWideStrict: AuditRule = {
  id: "WARD-MESH-002",
  layer: "mesh",
  severity: "medium",
  title: "No mesh-wide STRICT mTLS",
  rationale:
    "Without a PeerAuthentication `mtls.mode: STRICT` in the root namespace, every new namespace starts PERMISSIVE: plaintext is accepted until someone remembers to lock it.",
  fix: "Apply PeerAuthentication `default` in istio-system with `mtls.mode: STRICT` (no selector).",
  equivalents: {},
  check(ctx) {
    if (!istioInUse(ctx)) return [];
    const pas = (ctx.model.mesh ?? EMPTY_MESH).istio.peerAuthentications;
    const meshWide = pas.find((p) => p.namespace === ROOT && p.selector === undefined);
    if (meshWide?.mode === "STRICT") return [];
    const subject: SourceRef = meshWide?.source ??
      ctx.model.namespaces.get(ROOT)?.source ?? {
        kind: "Namespace",
        name: ROOT,
        file: injected(ctx)[0]?.source.file ?? pas[0]?.source.file ?? "",
        line: 1,
      };
    const what = meshWide === undefined ? "there is none" : `${refText(meshWide.source)} sets ${meshWide.mode}`;
    return [findingOf(this, subject, `no mesh-wide STRICT PeerAuthentication in ${ROOT}: ${what}`)];
  },
};

export const allowWithoutRules: AuditRule = {
  id: "WARD-MESH-003",
  layer: "mesh",
  severity: "medium",
  title: "ALLOW AuthorizationPolicy with no rules",
  rationale:
    "An ALLOW policy without rules matches no request, so every request to the workloads it selects is denied — usually an intended allow-all written wrongly (allow-all is `rules: [{}]`).",
  fix: "Add the rules that should be allowed; for deny-all, say so with a name like deny-all, or for allow-all use `rules: [{}]`.",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const p of (ctx.model.mesh ?? EMPTY_MESH).istio.authorizationPolicies) {
      if (p.action !== "ALLOW" || p.rules.length > 0) continue;
      // istio.io AuthorizationPolicy: "A policy with ALLOW action and no rules … denies all requests" to its targets.
      out.push(
        findingOf(
          this,
          p.source,
          `${refText(p.source)} has action ALLOW and no rules: it allows nothing, so every request to the workloads it selects is denied`,
        ),
      );
    }
    return out;
  },
};

const PRINCIPAL = /^[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/;

export const unmeshedSources: AuditRule = {
  id: "WARD-MESH-004",
  layer: "mesh",
  severity: "high",
  title: "principals or namespaces that only un-meshed pods could match",
  rationale:
    "source.principals and source.namespaces come from the client's mTLS certificate: a client without a sidecar has none, so a rule naming only un-meshed pods never matches (ALLOW: they are denied; DENY: they are not stopped).",
  fix: "Inject the sidecar into the clients the rule names, or match them another way (ipBlocks) and fix the NetworkPolicy.",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    const meshed = new Set(injected(ctx));
    for (const p of (ctx.model.mesh ?? EMPTY_MESH).istio.authorizationPolicies) {
      for (const rule of p.rules) {
        for (const source of rule.from ?? []) {
          const never: string[] = [];
          for (const value of source.principals?.values ?? []) {
            const m = PRINCIPAL.exec(value);
            if (m === null) continue; // patterns with * are not checked
            const pods = ctx.model.pods.filter((x) => x.namespace === m[1] && x.serviceAccount === m[2]);
            if (pods.length > 0 && !pods.some((x) => meshed.has(x)))
              never.push(
                `principal ${value} (pods ${[...new Set(pods.map((x) => x.workload))].join(", ")} have no sidecar)`,
              );
          }
          for (const ns of source.namespaces?.values ?? []) {
            if (ns.includes("*")) continue;
            const pods = ctx.model.pods.filter((x) => x.namespace === ns);
            if (pods.length > 0 && !pods.some((x) => meshed.has(x)))
              never.push(`namespace ${ns} (no pod there has a sidecar)`);
          }
          if (never.length === 0) continue;
          out.push(
            findingOf(
              this,
              { ...p.source, line: source.line },
              `${refText(p.source)} (${p.action}) matches ${never.join("; ")}: never matches`,
            ),
          );
        }
      }
    }
    return out;
  },
};

export const MESH_RULES: readonly AuditRule[] = [
  meshWithoutStrict,
  noMeshWideStrict,
  allowWithoutRules,
  unmeshedSources,
];
