import type { PortSpec } from "../../model/ports.js";
import { resolveNamedPort } from "../../model/ports.js";
import { NameRegistry, policyName } from "./k8s-names.js";
import type { Manifest } from "./manifest.js";
import type { GenerationPlan, ResolvedPath, Target } from "./targets.js";

const API = "security.istio.io/v1";

// Istio identities are SPIFFE names without the scheme: <trust domain>/ns/<namespace>/sa/<service account>
// (istio.io AuthorizationPolicy reference, Source.principals); cluster.local is the default trust domain.
export function principal(namespace: string, serviceAccount: string): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

/** Operation.ports are strings of the workload's (container) port numbers; Istio has no ranges and no port names. */
function operationPorts(
  ports: readonly PortSpec[] | "all",
  dst: Target,
  where: string,
  warnings: string[],
): string[] | undefined {
  if (ports === "all") return undefined;
  const out = new Set<string>();
  for (const spec of ports) {
    if (spec.protocol !== "TCP") {
      warnings.push(`${where}: Istio authorizes TCP only; ${spec.protocol} is left to NetworkPolicy`);
      continue;
    }
    if (spec.port === undefined) return undefined;
    if (typeof spec.port === "string") {
      const numbers = resolveNamedPort(spec.port, spec.protocol, dst.ports);
      if (numbers.length === 0)
        warnings.push(`${where}: port name "${spec.port}" is unknown on ${dst.namespace}/${dst.name}`);
      for (const n of numbers) out.add(String(n));
      continue;
    }
    const end = spec.endPort ?? spec.port;
    if (end - spec.port > 64) {
      // Leaving the range out would deny intended traffic: the rule then names no port, NetworkPolicy keeps the ports.
      warnings.push(
        `${where}: range ${spec.port}-${end} is too wide to list (Istio has no port ranges): the rule names no port, so it also admits these clients on their other ports (NetworkPolicy still restricts the ports)`,
      );
      return undefined;
    }
    for (let p = spec.port; p <= end; p++) out.add(String(p));
  }
  return [...out].sort((a, b) => Number(a) - Number(b));
}

/**
 * Istio AuthorizationPolicies: an allow-nothing policy (`spec: {}`) per governed namespace, then one ALLOW policy per
 * path on the destination, naming the clients by mTLS principal. Egress (CIDR, FQDN) is not an AuthorizationPolicy
 * matter and is reported.
 */
export function authorizationPolicies(plan: GenerationPlan, warnings: string[]): Manifest[] {
  const names = new NameRegistry();
  sharedPrincipals(plan, warnings);
  const governed = new Set(plan.namespaces);
  const out: Manifest[] = plan.namespaces.map((ns) => ({
    apiVersion: API,
    kind: "AuthorizationPolicy",
    metadata: { name: names.take(ns, "allow-nothing"), namespace: ns },
    // An ALLOW policy without rules matches nothing: every request to the namespace's workloads is denied.
    spec: {},
  }));
  for (const p of plan.paths) out.push(...pathPolicies(p, governed, names, warnings));
  return out;
}

function pathPolicies(p: ResolvedPath, governed: Set<string>, names: NameRegistry, warnings: string[]): Manifest[] {
  const where = `${p.path.file}:${p.path.line} (${p.path.name})`;
  if (!Array.isArray(p.to)) {
    warnings.push(
      `${where}: egress to ${"cidr" in p.to ? p.to.cidr : (p.to as { fqdn: string }).fqdn} is not an AuthorizationPolicy matter; use --target networkpolicy or cilium`,
    );
    return [];
  }
  const out: Manifest[] = [];
  const plain = Array.isArray(p.from) ? (p.from as readonly Target[]).filter((s) => s.istioSidecar === false) : [];
  const policed = (p.to as readonly Target[]).some((d) => governed.has(d.namespace));
  if (plain.length > 0 && (policed || p.path.identity !== undefined))
    warnings.push(
      `${where}: ${plain.map((s) => `${s.namespace}/${s.name}`).join(", ")} has no Istio sidecar: its plaintext requests carry no principal, so no AuthorizationPolicy can admit it by identity`,
    );
  for (const dst of p.to as readonly Target[]) {
    if (!governed.has(dst.namespace)) continue;
    if (dst.selector.matchExpressions.length > 0)
      warnings.push(
        `${where}: ${dst.namespace}/${dst.name} needs label expressions to be told apart; Istio selectors take matchLabels only`,
      );
    let source: Record<string, unknown>;
    if (!Array.isArray(p.from)) source = { ipBlocks: [(p.from as { cidr: string }).cidr] };
    else if (Array.isArray(p.path.identity)) source = { principals: [...p.path.identity] };
    else {
      const srcs = p.from as readonly Target[];
      const unknown = srcs.filter((s) => s.serviceAccount === undefined);
      if (unknown.length > 0) {
        warnings.push(
          `${where}: service account of ${unknown.map((s) => `${s.namespace}/${s.name}`).join(", ")} unknown (give the workloads): allowing its namespace`,
        );
        source = { namespaces: [...new Set(srcs.map((s) => s.namespace))].sort() };
      } else
        source = {
          principals: [...new Set(srcs.map((s) => principal(s.namespace, s.serviceAccount as string)))].sort(),
        };
    }
    const ports = operationPorts(p.path.ports, dst, where, warnings);
    const operation: Record<string, unknown> = {
      ...(ports ? { ports } : {}),
      ...(p.path.http?.methods.length ? { methods: [...p.path.http.methods] } : {}),
      ...(p.path.http?.paths.length ? { paths: [...p.path.http.paths] } : {}),
    };
    if (ports?.length === 0) continue;
    const rule: Record<string, unknown> = {
      from: [{ source }],
      ...(Object.keys(operation).length ? { to: [{ operation }] } : {}),
    };
    const srcName = Array.isArray(p.from) ? p.path.from.label : (p.from as { cidr: string }).cidr;
    out.push({
      apiVersion: API,
      kind: "AuthorizationPolicy",
      metadata: { name: names.take(dst.namespace, policyName(dst.name, "from", srcName)), namespace: dst.namespace },
      spec: { selector: { matchLabels: { ...dst.selector.matchLabels } }, action: "ALLOW", rules: [rule] },
    });
  }
  return out;
}

/** Two source workloads with one service account share a principal: Istio cannot tell their requests apart. */
function sharedPrincipals(plan: GenerationPlan, warnings: string[]): void {
  const owners = new Map<string, Set<string>>();
  for (const p of plan.paths)
    for (const t of [
      ...(Array.isArray(p.from) ? (p.from as Target[]) : []),
      ...(Array.isArray(p.to) ? (p.to as Target[]) : []),
    ])
      if (t.serviceAccount !== undefined) {
        const key = principal(t.namespace, t.serviceAccount);
        owners.set(key, (owners.get(key) ?? new Set()).add(`${t.namespace}/${t.name}`));
      }
  for (const [key, who] of owners)
    if (who.size > 1)
      warnings.push(`${[...who].sort().join(", ")} share the identity ${key}: Istio cannot tell their requests apart`);
}
