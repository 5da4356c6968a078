import type { PortSpec } from "../../model/ports.js";
import { resolveNamedPort } from "../../model/ports.js";
import { NameRegistry, policyName } from "./k8s-names.js";
import { type Manifest, selectorYaml } from "./manifest.js";
import type { GenerationPlan, ResolvedPath, Target } from "./targets.js";

const NS_LABEL = "kubernetes.io/metadata.name"; // set by the API server on every namespace

function networkPolicy(namespace: string, name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec };
}

/** A peer for `target`, seen from a policy in `namespace`: a podSelector alone stays in the policy's namespace. */
export function podPeer(target: Target, namespace: string): Record<string, unknown> {
  const pods = { podSelector: selectorYaml(target.selector) };
  if (target.namespace === namespace) return pods;
  return { namespaceSelector: { matchLabels: { [NS_LABEL]: target.namespace } }, ...pods };
}

/**
 * NetworkPolicy `ports` for the destination: a numeric port becomes the container port's name when the destination
 * names it (and the name means exactly that port), so the policy follows the port if the number changes.
 */
export function portsYaml(
  ports: readonly PortSpec[] | "all",
  destination: Target | undefined,
): Record<string, unknown>[] | undefined {
  if (ports === "all") return undefined;
  return ports.map((spec) => {
    let port: number | string | undefined = spec.port;
    if (typeof port === "number" && spec.endPort === undefined && destination) {
      const named = destination.ports.find((p) => p.port === port && p.protocol === spec.protocol && p.name);
      if (named?.name && resolveNamedPort(named.name, spec.protocol, destination.ports).every((n) => n === port))
        port = named.name;
    }
    return {
      protocol: spec.protocol,
      ...(port === undefined ? {} : { port }),
      ...(spec.endPort === undefined ? {} : { endPort: spec.endPort }),
    };
  });
}

function rule(key: "to" | "from", peers: Record<string, unknown>[], ports: Record<string, unknown>[] | undefined) {
  return { [key]: peers, ...(ports ? { ports } : {}) };
}

const DNS_PORTS = [
  { protocol: "UDP", port: 53 },
  { protocol: "TCP", port: 53 },
];

/** Least privilege as NetworkPolicies: default-deny and DNS per governed namespace, then each path on each isolated end. */
export function networkPolicies(
  plan: GenerationPlan,
  warnings: string[],
  parts: { baseline: boolean; paths: boolean } = { baseline: true, paths: true },
): Manifest[] {
  const governed = new Set(plan.namespaces);
  const names = new NameRegistry();
  const out: Manifest[] = [];
  for (const ns of parts.baseline ? plan.namespaces : []) {
    out.push(
      networkPolicy(ns, names.take(ns, "default-deny"), { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    );
    if (plan.dns)
      out.push(
        networkPolicy(ns, names.take(ns, "allow-dns"), {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [rule("to", [podPeer(plan.dnsTarget, ns)], DNS_PORTS)],
        }),
      );
  }
  if (parts.baseline && plan.dns && governed.has(plan.dnsTarget.namespace)) {
    const ns = plan.dnsTarget.namespace;
    // Every pod of every namespace may ask the DNS servers: an empty namespaceSelector selects all namespaces.
    out.push(
      networkPolicy(ns, names.take(ns, "allow-dns-ingress"), {
        podSelector: selectorYaml(plan.dnsTarget.selector),
        policyTypes: ["Ingress"],
        ingress: [rule("from", [{ namespaceSelector: {} }], DNS_PORTS)],
      }),
    );
  }
  if (parts.paths) for (const p of plan.paths) out.push(...pathPolicies(p, governed, names, warnings));
  return out;
}

function pathPolicies(p: ResolvedPath, governed: Set<string>, names: NameRegistry, warnings: string[]): Manifest[] {
  const out: Manifest[] = [];
  const where = `${p.path.file}:${p.path.line} (${p.path.name})`;
  if ("fqdn" in p.to) {
    warnings.push(`${where}: NetworkPolicy cannot name ${p.to.fqdn}; use --target cilium for FQDN egress`);
    return out;
  }
  if ("cidr" in p.to && p.path.ports !== "all" && p.path.ports.some((s) => typeof s.port === "string"))
    warnings.push(`${where}: a named port allows nothing toward an external address (it has no containers)`);
  // Egress on the source, when its namespace is governed: one policy per source workload, one rule per destination.
  if (Array.isArray(p.from)) {
    for (const src of p.from as readonly Target[]) {
      if (!governed.has(src.namespace)) continue;
      const rules = Array.isArray(p.to)
        ? (p.to as readonly Target[]).map((dst) =>
            rule("to", [podPeer(dst, src.namespace)], portsYaml(p.path.ports, dst)),
          )
        : [rule("to", [{ ipBlock: { cidr: (p.to as { cidr: string }).cidr } }], portsYaml(p.path.ports, undefined))];
      if (rules.length === 0) continue;
      const dstName = Array.isArray(p.to) ? p.path.to.label : (p.to as { cidr: string }).cidr;
      const name = names.take(
        src.namespace,
        policyName(src.name, "to", p.path.name === `${p.path.from.label} → ${p.path.to.label}` ? dstName : p.path.name),
      );
      out.push(
        networkPolicy(src.namespace, name, {
          podSelector: selectorYaml(src.selector),
          policyTypes: ["Egress"],
          egress: rules,
        }),
      );
    }
  }
  // Ingress on each destination, when its namespace is governed: one rule naming every source.
  if (Array.isArray(p.to)) {
    for (const dst of p.to as readonly Target[]) {
      if (!governed.has(dst.namespace)) continue;
      const peers = Array.isArray(p.from)
        ? (p.from as readonly Target[]).map((src) => podPeer(src, dst.namespace))
        : [{ ipBlock: { cidr: (p.from as { cidr: string }).cidr } }];
      if (peers.length === 0) continue;
      const srcName = Array.isArray(p.from) ? p.path.from.label : (p.from as { cidr: string }).cidr;
      const name = names.take(
        dst.namespace,
        policyName(
          dst.name,
          "from",
          p.path.name === `${p.path.from.label} → ${p.path.to.label}` ? srcName : p.path.name,
        ),
      );
      out.push(
        networkPolicy(dst.namespace, name, {
          podSelector: selectorYaml(dst.selector),
          policyTypes: ["Ingress"],
          ingress: [rule("from", peers, portsYaml(p.path.ports, dst))],
        }),
      );
    }
  }
  return out;
}
