import type { Pod } from "../../../model/endpoint.js";
import { selectorMatches } from "../../../model/labels.js";
import type { AuthorizationPolicy, IstioRule } from "../../../model/mesh.js";
import { EMPTY_MESH } from "../../../model/mesh.js";
import { istioInjection } from "../../mesh/injection.js";
import { compileRule, DEFAULT_MESH_OPTIONS } from "../../mesh/istio-evaluate.js";
import { portProtocol } from "../../mesh/port-protocol.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

const ROOT = DEFAULT_MESH_OPTIONS.rootNamespace;

/** The sidecar policies that select the pod: own namespace or the root namespace, by selector; not targetRefs ones. */
function selects(p: AuthorizationPolicy, pod: Pod): boolean {
  if (p.targetRefs !== undefined) return false; // attaches to gateways/waypoints, not sidecars
  if (p.namespace !== pod.namespace && p.namespace !== ROOT) return false;
  return p.selector === undefined || selectorMatches(p.selector, pod.labels);
}

/** Whether the rule's `to.ports` can match the port (no operation, or one without ports, or one naming it). */
function rulePortMatches(rule: IstioRule, port: number): boolean {
  if (rule.to === undefined) return true;
  return rule.to.some(
    (o) =>
      o.ports === undefined ||
      ((o.ports.values === undefined || o.ports.values.some((v) => Number(v) === port)) &&
        !(o.ports.notValues ?? []).some((v) => Number(v) === port)),
  );
}

/** The engine's own test: an ALLOW rule is "ignored" on a plaintext TCP connection exactly when it has HTTP-only fields. */
function hasHttpOnlyFields(rule: IstioRule, port: number): boolean {
  const tcp = {
    secure: true,
    principal: undefined,
    namespace: undefined,
    ip: undefined,
    destIp: undefined,
    port,
    http: false,
  };
  return compileRule(rule, "ALLOW", tcp) === "ignored";
}

export const httpFieldsOnTcpPort: AuditRule = {
  id: "WARD-MESH-005",
  layer: "mesh",
  severity: "high",
  title: "AuthorizationPolicy with HTTP-only fields on a TCP port",
  rationale:
    "On a port Istio treats as TCP, HTTP-only fields (methods, paths, hosts, requestPrincipals, request.headers / request.auth.* conditions) cannot be evaluated: an ALLOW rule that uses them is ignored (it allows nothing), and a DENY rule drops them and denies every connection its other fields match.",
  fix: "Name the Service port for its real protocol (http-…, grpc-…, or appProtocol), or remove the HTTP-only fields from rules that target TCP ports.",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    const policies = (ctx.model.mesh ?? EMPTY_MESH).istio.authorizationPolicies;
    for (const pod of ctx.model.pods) {
      if (!istioInjection(pod, ctx.model.namespaces.get(pod.namespace)).injected) continue;
      for (const p of policies) {
        // istio.io/latest/docs/tasks/security/authorization/authz-tcp: on TCP, an ALLOW rule with HTTP-only fields is
        // ignored; a DENY rule drops them and so matches more (pilot/pkg/security/authz/model/model.go).
        if ((p.action !== "ALLOW" && p.action !== "DENY") || !selects(p, pod)) continue;
        p.rules.forEach((rule, i) => {
          for (const { port } of pod.ports) {
            if (!rulePortMatches(rule, port) || !hasHttpOnlyFields(rule, port)) continue;
            const proto = portProtocol(ctx.model, pod, port);
            if (proto.kind !== "tcp") continue; // "auto": sniffed per connection, HTTP clients still match
            const key = `${p.namespace}/${p.name}|${i}|${port}|${proto.why}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const effect =
              p.action === "ALLOW"
                ? "the ALLOW rule is ignored there and allows no connection"
                : "the DENY rule drops those fields and denies every connection its other fields match";
            out.push(
              findingOf(
                this,
                { ...p.source, line: rule.line },
                `AuthorizationPolicy ${p.namespace}/${p.name} rule ${i + 1} uses HTTP-only fields on TCP port ${port} of ${pod.workload} (${proto.why}): ${effect}`,
              ),
            );
          }
        });
      }
    }
    return out;
  },
};
