import type { Workload } from "../../../model/endpoint.js";
import { selectorMatches } from "../../../model/labels.js";
import { PROTOCOLS } from "../../../model/ports.js";
import { formatPorts, PortSetTable, portsContain } from "../../port-set.js";
import { type AuditContext, findingOf } from "../context.js";
import type { AuditRule, Evidence, Finding } from "../finding.js";
import { wildcardMatch } from "./image-reference.js";

const hostCovered = (host: string, tlsHosts: readonly string[]) =>
  tlsHosts.some((t) => t === "*" || t === host || (t.startsWith("*.") && wildcardMatch(t, host)));

export const edgeWithoutTls: AuditRule = {
  id: "WARD-EDGE-001",
  layer: "edge",
  severity: "high",
  title: "Ingress or Gateway without TLS",
  rationale: "Hosts served without TLS send credentials and data in clear over the internet, and can be tampered with.",
  fix: "Add a `tls` entry covering every host (Ingress), an HTTPS listener (Gateway API), or `tls` on the server (Istio Gateway); redirect HTTP to HTTPS.",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const e of ctx.model.tls?.endpoints ?? []) {
      const open = e.hosts.filter((h) => !hostCovered(h, e.tlsHosts));
      if (open.length === 0 && !(e.plaintext && e.tlsHosts.length === 0)) continue;
      const hosts = open.length === 0 ? e.hosts : open;
      out.push(
        findingOf(
          this,
          e.source,
          `${e.source.kind} ${e.source.namespace}/${e.source.name} serves ${hosts.map((h) => (h === "*" ? "every host" : h)).join(", ")} without TLS`,
        ),
      );
    }
    return out;
  },
};

const OLD = new Set(["SSLv2", "SSLv3", "TLSv1", "TLSv1.0", "TLSv1.1"]);

export const weakTlsVersion: AuditRule = {
  id: "WARD-EDGE-002",
  layer: "edge",
  severity: "high",
  title: "TLS below 1.2 allowed",
  rationale: "TLS 1.0 and 1.1 are deprecated (RFC 8996): weak ciphers and downgrade attacks.",
  fix: 'Set the minimum to TLS 1.2 (Istio `minProtocolVersion: TLSV1_2`; ingress-nginx `ssl-protocols: "TLSv1.2 TLSv1.3"`).',
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const e of ctx.model.tls?.endpoints ?? []) {
      const v = e.minTlsVersion;
      if (v === undefined || v.version >= "1.2") continue;
      out.push(
        findingOf(
          this,
          { ...e.source, line: v.line },
          `${e.source.kind} ${e.source.namespace}/${e.source.name} accepts TLS ${v.version}`,
        ),
      );
    }
    for (const s of ctx.model.tls?.settings ?? []) {
      const old = s.protocols.filter((p) => OLD.has(p));
      if (old.length === 0) continue;
      out.push(
        findingOf(
          this,
          { ...s.source, line: s.line },
          `${s.source.kind} ${s.source.namespace}/${s.source.name}: ssl-protocols enables ${old.join(", ")}`,
        ),
      );
    }
    return out;
  },
};

/** Labels of the usual ingress controllers' pods (their Helm charts' defaults), or `ward.dev/role: ingress-controller`. */
const CONTROLLER_NAMES = [
  "ingress-nginx",
  "traefik",
  "contour",
  "haproxy-ingress",
  "kong",
  "envoy-gateway",
  "istio-ingressgateway",
];

function isController(ctx: AuditContext, w: Workload): boolean {
  return ctx
    .podsOf(w)
    .some(
      (p) =>
        CONTROLLER_NAMES.includes(p.labels["app.kubernetes.io/name"] ?? "") ||
        CONTROLLER_NAMES.includes(p.labels.app ?? "") ||
        p.labels.istio === "ingressgateway" ||
        p.annotations?.["ward.dev/role"] === "ingress-controller",
    );
}

export const controllerReach: AuditRule = {
  id: "WARD-EDGE-003",
  layer: "edge",
  severity: "medium",
  title: "Ingress controller reaches workloads beyond the ingress tier",
  rationale:
    "The ingress controller faces the internet; if it is compromised, every workload it can reach is exposed. It should reach only the Services its Ingresses route to.",
  fix: "Isolate the controller's namespace for egress and allow only the ingress tier (the Ingress backends), or restrict the other workloads' ingress.",
  equivalents: {},
  check(ctx) {
    const model = ctx.model;
    const endpoints = model.tls?.endpoints ?? [];
    const backends = new Set(endpoints.flatMap((e) => e.backends));
    if (backends.size === 0) return [];
    // The ingress tier: workloads whose pods a backend Service selects.
    const tier = new Set<string>();
    for (const s of model.services) {
      if (!backends.has(`${s.namespace}/${s.name}`) || s.selector === undefined) continue;
      for (const w of model.workloads)
        if (
          w.namespace === s.namespace &&
          ctx.podsOf(w).some((p) => selectorMatches(s.selector ?? { matchLabels: {}, matchExpressions: [] }, p.labels))
        )
          tier.add(w.id);
    }
    const out: Finding[] = [];
    const m = ctx.matrix;
    for (const c of model.workloads.filter((w) => isController(ctx, w))) {
      const from = ctx.podsOf(c).find((p) => !p.hostNetwork);
      if (from === undefined) continue;
      const a = ctx.classes.classOfPod[c.pods[0] as number] as number;
      const reached: string[] = [];
      const evidence: Evidence[] = [];
      for (const w of model.workloads) {
        if (w === c || tier.has(w.id) || w.namespace === c.namespace) continue;
        const b = ctx.classes.classOfPod[w.pods[0] as number] as number;
        const id = m.allowed[a * m.size + b] as number;
        if (id === PortSetTable.EMPTY) continue;
        const ports = m.ports.get(id);
        reached.push(`${w.id} (${formatPorts(ports)})`);
        const to = ctx.podsOf(w)[0];
        // Prove on a port the destination declares when one is allowed, else on the first allowed port.
        const declared = to?.ports.find((cp) => portsContain(ports, cp.protocol, cp.port));
        const protocol = declared?.protocol ?? PROTOCOLS.find((p) => ports[p].length > 0) ?? "TCP";
        const port = declared?.port ?? ports[protocol][0]?.[0] ?? 1;
        if (to && evidence.length < 5) evidence.push(ctx.prove(ctx.party(from), ctx.party(to), port, protocol));
      }
      if (reached.length === 0) continue;
      out.push(
        findingOf(
          this,
          c.source,
          `ingress controller ${c.id} can reach ${reached.length} workload(s) outside the ingress tier [${[...tier].sort().join(", ")}]: ${reached.join(", ")}`,
          { evidence },
        ),
      );
    }
    return out;
  },
};
