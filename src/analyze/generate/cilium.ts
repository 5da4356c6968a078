import { intentFqdnPattern } from "../../intent/intent.js";
import type { PortSpec } from "../../model/ports.js";
import { resolveNamedPort } from "../../model/ports.js";
import { NameRegistry, policyName } from "./k8s-names.js";
import { type Manifest, selectorYaml } from "./manifest.js";
import type { GenerationPlan, ResolvedPath, Target } from "./targets.js";

const API = "cilium.io/v2";
// In a CiliumNetworkPolicy an endpoint selector without this label stays in the policy's namespace.
const NS_KEY = "k8s:io.kubernetes.pod.namespace";

function cnp(namespace: string, name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: API, kind: "CiliumNetworkPolicy", metadata: { name, namespace }, spec };
}

function endpoints(target: Target, from: string): Record<string, unknown> {
  const sel = selectorYaml(target.selector);
  if (target.namespace === from) return sel;
  return {
    ...sel,
    matchLabels: { ...((sel.matchLabels as Record<string, string>) ?? {}), [NS_KEY]: target.namespace },
  };
}

/** toPorts: numbers as strings; a name resolves on the destination when it is known (Cilium also takes names). */
function toPorts(
  ports: readonly PortSpec[] | "all",
  dst: Target | undefined,
  rules?: Record<string, unknown>,
): Record<string, unknown>[] | undefined {
  // L7 rules need a port; with every port allowed they are left out (ciliumPolicies warns).
  if (ports === "all") return undefined;
  const list: Record<string, unknown>[] = [];
  for (const spec of ports) {
    const resolved = typeof spec.port === "string" && dst ? resolveNamedPort(spec.port, spec.protocol, dst.ports) : [];
    if (resolved.length > 0) {
      for (const n of resolved) list.push({ port: String(n), protocol: spec.protocol });
      continue;
    }
    // An unresolved name stays a name: Cilium resolves it on the destination, so it never widens to every port.
    list.push({
      port: spec.port === undefined ? "0" : String(spec.port),
      protocol: spec.protocol,
      ...(spec.endPort === undefined ? {} : { endPort: spec.endPort }),
    });
  }
  return [{ ports: list, ...(rules ? { rules } : {}) }];
}

/** "/api/*" → the regex Cilium matches against the whole path. */
function pathRegex(glob: string): string {
  return glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
}

/** A literal name as matchName; `*.example.com` (every sub-domain) as Cilium's `**.example.com` (intentFqdnPattern). */
function fqdnSelector(fqdn: string): Record<string, string> {
  return fqdn.includes("*") ? { matchPattern: intentFqdnPattern(fqdn) } : { matchName: fqdn };
}

/**
 * CiliumNetworkPolicies: per governed namespace a baseline that turns on default deny both ways (enableDefaultDeny)
 * and allows DNS to kube-dns through Cilium's DNS proxy (rules.dns matchPattern "*", which toFQDNs needs to learn
 * the names' addresses); then each path on each isolated end, with toFQDNs for DNS names.
 */
export function ciliumPolicies(plan: GenerationPlan, warnings: string[]): Manifest[] {
  const names = new NameRegistry();
  const governed = new Set(plan.namespaces);
  const out: Manifest[] = [];
  for (const ns of plan.namespaces) {
    out.push(
      cnp(ns, names.take(ns, "default-deny"), {
        endpointSelector: {},
        enableDefaultDeny: { ingress: true, egress: true },
        egress: plan.dns
          ? [
              {
                toEndpoints: [
                  { matchLabels: { [NS_KEY]: plan.dnsTarget.namespace, ...plan.dnsTarget.selector.matchLabels } },
                ],
                toPorts: [
                  {
                    ports: [
                      { port: "53", protocol: "UDP" },
                      { port: "53", protocol: "TCP" },
                    ],
                    rules: { dns: [{ matchPattern: "*" }] },
                  },
                ],
              },
            ]
          : [],
      }),
    );
  }
  if (plan.dns && governed.has(plan.dnsTarget.namespace)) {
    const ns = plan.dnsTarget.namespace;
    // Every pod of every namespace may ask the DNS servers: a selector requiring the namespace label to exist picks
    // endpoints of all namespaces (docs.cilium.io "Policy Language", "Namespaces": io.kubernetes.pod.namespace Exists).
    out.push(
      cnp(ns, names.take(ns, "allow-dns-ingress"), {
        endpointSelector: selectorYaml(plan.dnsTarget.selector),
        ingress: [
          {
            fromEndpoints: [{ matchExpressions: [{ key: NS_KEY, operator: "Exists" }] }],
            toPorts: [
              {
                ports: [
                  { port: "53", protocol: "UDP" },
                  { port: "53", protocol: "TCP" },
                ],
              },
            ],
          },
        ],
      }),
    );
  }
  if (!plan.dns && plan.paths.some((p) => "fqdn" in (p.to as object)))
    warnings.push(
      "toFQDNs needs DNS through Cilium's proxy: defaults.dns is false, so FQDN rules will never learn addresses",
    );
  for (const p of plan.paths) {
    if (p.path.http && p.path.ports === "all")
      warnings.push(
        `${p.path.file}:${p.path.line} (${p.path.name}): HTTP rules need ports in Cilium; list the ports to keep them`,
      );
    out.push(...pathPolicies(p, governed, names));
  }
  return out;
}

function pathPolicies(p: ResolvedPath, governed: Set<string>, names: NameRegistry): Manifest[] {
  const out: Manifest[] = [];
  const http =
    p.path.http && (p.path.http.methods.length || p.path.http.paths.length)
      ? {
          http: (p.path.http.methods.length ? p.path.http.methods : [undefined]).flatMap((method) =>
            (p.path.http?.paths.length ? p.path.http.paths : [undefined]).map((path) => ({
              ...(method ? { method } : {}),
              ...(path ? { path: pathRegex(path) } : {}),
            })),
          ),
        }
      : undefined;
  const dstLabel = Array.isArray(p.to) ? p.path.to.label : "cidr" in p.to ? p.to.cidr : (p.to as { fqdn: string }).fqdn;
  if (Array.isArray(p.from)) {
    for (const src of p.from as readonly Target[]) {
      if (!governed.has(src.namespace)) continue;
      let egress: Record<string, unknown>[];
      if (Array.isArray(p.to))
        egress = (p.to as readonly Target[]).map((dst) => ({
          toEndpoints: [endpoints(dst, src.namespace)],
          ...opt("toPorts", toPorts(p.path.ports, dst)),
        }));
      else if ("cidr" in p.to)
        egress = [{ toCIDRSet: [{ cidr: p.to.cidr }], ...opt("toPorts", toPorts(p.path.ports, undefined)) }];
      else
        egress = [
          {
            toFQDNs: [fqdnSelector((p.to as { fqdn: string }).fqdn)],
            ...opt("toPorts", toPorts(p.path.ports, undefined)),
          },
        ];
      if (egress.length === 0) continue;
      out.push(
        cnp(src.namespace, names.take(src.namespace, policyName(src.name, "to", dstLabel)), {
          endpointSelector: selectorYaml(src.selector),
          egress,
        }),
      );
    }
  }
  if (Array.isArray(p.to)) {
    for (const dst of p.to as readonly Target[]) {
      if (!governed.has(dst.namespace)) continue;
      const from = Array.isArray(p.from)
        ? { fromEndpoints: (p.from as readonly Target[]).map((s) => endpoints(s, dst.namespace)) }
        : { fromCIDRSet: [{ cidr: (p.from as { cidr: string }).cidr }] };
      if ("fromEndpoints" in from && from.fromEndpoints.length === 0) continue;
      const srcLabel = Array.isArray(p.from) ? p.path.from.label : (p.from as { cidr: string }).cidr;
      out.push(
        cnp(dst.namespace, names.take(dst.namespace, policyName(dst.name, "from", srcLabel)), {
          endpointSelector: selectorYaml(dst.selector),
          ingress: [{ ...from, ...opt("toPorts", toPorts(p.path.ports, dst, http)) }],
        }),
      );
    }
  }
  return out;
}

function opt(key: string, value: unknown): Record<string, unknown> {
  return value === undefined ? {} : { [key]: value };
}
