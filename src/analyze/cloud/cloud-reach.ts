import { UsageError } from "../../errors/input-error.js";
import { CidrError, parseCidr } from "../../model/cidr.js";
import type { CloudModel, NetworkInterface } from "../../model/cloud.js";
import { isUnknown } from "../../model/cloud.js";
import type { Decision, Verdict } from "../verdict.js";
import {
  type CloudParty,
  eniParty,
  eniParty6,
  evaluatePath,
  type HopStatus,
  internetParty,
  internetParty6,
  type PathResult,
} from "./path.js";
import { rangesOf } from "./ranges.js";

export type CloudReachQuery = {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: number;
};

export type CloudReachResult = {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: number;
  /** allow: every pair of interfaces allowed; partial: some; deny: none; unknown: Ward cannot decide. */
  readonly status: "allow" | "partial" | "deny" | "unknown";
  readonly allowed: boolean;
  readonly paths: readonly PathResult[];
  readonly verdict: Verdict;
};

const DOMAIN = /^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/i;

/** Does `text` name something in the cloud model (interface, instance, name, tier, internet, address)? */
export function namesCloudEndpoint(cloud: CloudModel, text: string): boolean {
  if (text === "internet") return true;
  return matchInterfaces(cloud, text).length > 0;
}

/** The cloud evaluator answers when --from or --to names a cloud resource, or when there are no workloads at all. */
export function useCloud(cloud: CloudModel, workloads: number, from: string, to: string): boolean {
  return workloads === 0 || namesCloudEndpoint(cloud, from) || namesCloudEndpoint(cloud, to);
}

export function matchInterfaces(cloud: CloudModel, text: string): NetworkInterface[] {
  const exact = cloud.interfaces.filter((i) => i.id === text || i.name === text || i.id.split("#")[0] === text);
  if (exact.length > 0) return exact;
  const byTier = cloud.interfaces.filter((i) => i.tier === text);
  if (byTier.length > 0) return byTier;
  try {
    const c = parseCidr(text);
    return cloud.interfaces.filter(
      (i) => i.privateIp && i.privateIp.start === c.start && c.prefix === (c.family === 4 ? 32 : 128),
    );
  } catch (error) {
    if (error instanceof CidrError) return [];
    throw error;
  }
}

/** `--from` / `--to` → the parties to evaluate: interfaces, the internet, an outside address or a domain name. */
export function resolveCloudParties(cloud: CloudModel, text: string, role: "--from" | "--to"): CloudParty[] {
  if (text === "internet") return [internetParty(), internetParty6()];
  if (text === "0.0.0.0/0") return [internetParty()];
  if (text === "::/0") return [internetParty6()];
  const enis = matchInterfaces(cloud, text);
  if (enis.length > 0) return enis.flatMap((e) => eniParty(cloud, e) ?? []);
  try {
    const c = parseCidr(text);
    const inside = cloud.subnets.find(
      (s) => !isUnknown(s.cidr) && s.cidr.family === c.family && s.cidr.start <= c.start && c.end <= s.cidr.end,
    );
    if (inside)
      throw new UsageError(`${role} ${text}: an address in subnet ${inside.name} that no interface in the files has`);
    return [{ kind: "external", label: text, set: rangesOf(c) }];
  } catch (error) {
    if (!(error instanceof CidrError)) throw error;
  }
  if (role === "--to" && DOMAIN.test(text))
    return [{ kind: "domain", label: text.toLowerCase(), set: rangesOf(parseCidr("0.0.0.0/0")) }];
  const names = [...new Set(cloud.interfaces.flatMap((i) => [i.name, i.tier]))].sort();
  throw new UsageError(`${role} ${text}: no cloud resource has that name (known: internet, ${names.join(", ")})`);
}

/**
 * An interface talks to an IPv6 peer from its IPv6 address. The IPv6 internet is checked only against interfaces that
 * have one (the IPv4 internet answers for the others); an explicit IPv6 address is checked against every interface.
 */
function ipv6Pair(cloud: CloudModel, f: CloudParty, t: CloudParty): [CloudParty, CloudParty] | undefined {
  if (f.set.family === t.set.family) return [f, t];
  const v6 = (p: CloudParty): CloudParty | undefined =>
    p.kind === "eni" ? eniParty6(cloud, p.eni) : p.set.family === 6 ? p : undefined;
  const a = f.set.family === 6 ? f : v6(f);
  const b = t.set.family === 6 ? t : v6(t);
  if (a && b) return [a, b];
  if ((f.kind === "internet" && f.set.family === 6) || (t.kind === "internet" && t.set.family === 6)) return undefined;
  return [f, t];
}

export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { TCP: 6, UDP: 17, SCTP: 132, ICMP: 1 };

/** Every pair of interfaces behind --from and --to, hop by hop. */
export function cloudReach(cloud: CloudModel, query: CloudReachQuery): CloudReachResult {
  const froms = resolveCloudParties(cloud, query.from, "--from");
  const tos = resolveCloudParties(cloud, query.to, "--to");
  const paths: PathResult[] = [];
  for (const f of froms)
    for (const t of tos) {
      if (f.kind === "eni" && t.kind === "eni" && f.eni.id === t.eni.id) continue;
      const pair = ipv6Pair(cloud, f, t);
      if (pair) paths.push(evaluatePath(cloud, pair[0], pair[1], query.protocol, query.port));
    }
  const statuses = new Set<HopStatus>(paths.map((p) => p.status));
  const status: CloudReachResult["status"] =
    statuses.size === 0
      ? "deny"
      : statuses.size === 1
        ? ([...statuses][0] as HopStatus)
        : statuses.has("allow")
          ? "partial"
          : statuses.has("unknown")
            ? "unknown"
            : "deny";
  const first = paths.find((p) => p.status === "deny") ?? paths.find((p) => p.status === "unknown") ?? paths[0];
  const decidedBy: Decision[] = (first?.hops ?? []).map((h) => {
    const ref = h.refs[0];
    const why = `${h.status === "allow" ? "✓" : h.status === "deny" ? "✗" : "?"} ${h.step}: ${h.why}`;
    return ref ? { why, kind: ref.kind, name: ref.name, file: ref.file, line: ref.line } : { why };
  });
  return {
    from: query.from,
    to: query.to,
    port: query.port,
    protocol: query.protocol,
    status,
    allowed: status === "allow" || status === "partial",
    paths,
    verdict: {
      allowed: status === "allow" || status === "partial",
      layers: [{ layer: "cloud", allowed: status === "allow" || status === "partial", decidedBy }],
    },
  };
}
