import type { CloudRef, DomainRule, NetworkFirewall } from "../../model/cloud.js";
import type { HopStatus } from "./path.js";

/**
 * A domain-list target: "abc.example.com" matches only that name; ".example.com" matches example.com and every
 * sub-domain (docs.aws.amazon.com/network-firewall/latest/APIReference/API_RulesSourceList.html). Case-insensitive.
 */
export function domainMatches(target: string, name: string): boolean {
  const t = target.toLowerCase().replace(/\.$/, "");
  const n = name.toLowerCase().replace(/\.$/, "");
  if (t.startsWith(".")) return n === t.slice(1) || n.endsWith(t);
  return n === t;
}

/** The application protocol a domain list inspects on this port: TLS (SNI) on 443, HTTP (Host) on 80. */
function inspected(port: number, protocol: number): "TLS_SNI" | "HTTP_HOST" | undefined {
  if (protocol !== 6) return undefined;
  if (port === 443) return "TLS_SNI";
  if (port === 80) return "HTTP_HOST";
  return undefined;
}

export type FirewallDecision = { readonly status: HopStatus; readonly why: string; readonly refs: readonly CloudRef[] };

/**
 * Stateful domain lists under the default action order: pass rules are applied before drop rules, so a name on any
 * ALLOWLIST passes; a name on a DENYLIST is dropped; with an ALLOWLIST for the protocol, every other name of that
 * protocol is dropped (docs.aws.amazon.com/network-firewall: "Stateful domain list rule groups"; for ALLOWLIST
 * "traffic of the specified protocol type that doesn't match the domain specifications is denied").
 */
export function firewallDecision(
  fw: NetworkFirewall,
  domain: string | undefined,
  port: number,
  protocol: number,
): FirewallDecision {
  const proto = inspected(port, protocol);
  const lists = fw.domainRules;
  if (lists.length === 0)
    return {
      status: "allow",
      why: `${fw.name} has no domain list rules: traffic passes (default action)`,
      refs: [fw.source],
    };
  if (proto === undefined)
    return {
      status: "unknown",
      why: `${fw.name} inspects TLS SNI and HTTP Host; Ward cannot tell which application protocol runs on port ${port}`,
      refs: lists.map((l) => l.source),
    };
  const relevant = lists.filter((l) => l.targetTypes.includes(proto));
  const allowlists = relevant.filter((l) => l.action === "ALLOWLIST");
  if (domain === undefined) {
    if (allowlists.length === 0 && relevant.every((l) => l.action === "DENYLIST"))
      return {
        status: "unknown",
        why: `${fw.name} filters by name (${proto}); the destination is an address, not a name`,
        refs: relevant.map((l) => l.source),
      };
    return {
      status: "unknown",
      why: `${fw.name} allows only listed names on ${proto}; give the destination as a domain name to decide`,
      refs: allowlists.map((l) => l.source),
    };
  }
  const match = (l: DomainRule) => l.targets.find((t) => domainMatches(t, domain));
  const allowedBy = allowlists.find((l) => match(l) !== undefined);
  if (allowedBy)
    return {
      status: "allow",
      why: `${fw.name}: ALLOWLIST ${proto} target "${match(allowedBy)}" matches ${domain}`,
      refs: [allowedBy.source],
    };
  const deniedBy = relevant.find((l) => l.action === "DENYLIST" && match(l) !== undefined);
  if (deniedBy)
    return {
      status: "deny",
      why: `${fw.name}: DENYLIST ${proto} target "${match(deniedBy)}" matches ${domain}: dropped`,
      refs: [deniedBy.source],
    };
  if (allowlists.length > 0)
    return {
      status: "deny",
      why: `${fw.name}: ${domain} is on no ALLOWLIST (${allowlists.flatMap((l) => l.targets).join(", ")}): ${proto} traffic to other names is dropped`,
      refs: allowlists.map((l) => l.source),
    };
  return {
    status: "allow",
    why: `${fw.name}: ${domain} matches no domain list: traffic passes (default action)`,
    refs: relevant.map((l) => l.source),
  };
}
