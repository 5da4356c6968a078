import { MAX_PORT, type PortSet, portSetKey, portSetOf, type Ranges } from "../../analyze/port-set.js";
import type { IpBlock, PolicyRule } from "../../model/policy.js";
import { type ContainerPort, type PortSpec, PROTOCOLS, resolveNamedPort } from "../../model/ports.js";
import type { Ipv4Range } from "../ipv4.js";
import type { PortMatch } from "./ruleset.js";

// Ports and addresses of one policy rule, as the compiler needs them: named ports resolved, exclusions taken out.

/** What a rule's ports allow, after its notPorts: ranges per protocol, and whether other protocols match. */
export type Ports = { readonly set: PortSet; readonly other: boolean };

/** The IPv4 addresses an ipBlock covers: its CIDR less its excepts. */
export function blockRanges(block: IpBlock): Ipv4Range[] {
  if (block.cidr.family !== 4) return [];
  let out: Ipv4Range[] = [[Number(block.cidr.start), Number(block.cidr.end)]];
  for (const ex of block.except) {
    if (ex.family !== 4) continue;
    out = subtract(out, [[Number(ex.start), Number(ex.end)]]);
  }
  return out;
}

export function subtract(ranges: readonly Ipv4Range[], cuts: readonly Ipv4Range[]): Ipv4Range[] {
  let out: Ipv4Range[] = [...ranges];
  for (const [s, e] of cuts)
    out = out.flatMap(([a, b]): Ipv4Range[] => {
      if (e < a || s > b) return [[a, b]];
      const pieces: Ipv4Range[] = [];
      if (a < s) pieces.push([a, s - 1]);
      if (b > e) pieces.push([e + 1, b]);
      return pieces;
    });
  return out;
}

function subtractPorts(a: Ranges, b: Ranges): Ranges {
  return subtract(a, b);
}

function specEntries(specs: readonly PortSpec[], destination: readonly ContainerPort[]) {
  const out: { protocol: (typeof PROTOCOLS)[number]; start: number; end: number }[] = [];
  for (const spec of specs) {
    if (spec.port === undefined) out.push({ protocol: spec.protocol, start: 1, end: MAX_PORT });
    else if (typeof spec.port === "number")
      out.push({ protocol: spec.protocol, start: spec.port, end: spec.endPort ?? spec.port });
    else
      for (const port of resolveNamedPort(spec.port, spec.protocol, destination))
        out.push({ protocol: spec.protocol, start: port, end: port });
  }
  return out;
}

/** The ports a rule matches to a destination with these container ports (named ports resolve against them). */
export function rulePorts(rule: PolicyRule, destination: readonly ContainerPort[]): Ports {
  const all = rule.ports === "all";
  const base =
    rule.ports === "all"
      ? portSetOf(PROTOCOLS.map((protocol) => ({ protocol, start: 1, end: MAX_PORT })))
      : portSetOf(specEntries(rule.ports, destination));
  if (rule.notPorts === undefined || rule.notPorts.length === 0) return { set: base, other: all };
  const not = portSetOf(specEntries(rule.notPorts, destination));
  return {
    set: {
      TCP: subtractPorts(base.TCP, not.TCP),
      UDP: subtractPorts(base.UDP, not.UDP),
      SCTP: subtractPorts(base.SCTP, not.SCTP),
    },
    other: all,
  };
}

export function portsKey(p: Ports): string {
  return `${portSetKey(p.set)}|${p.other}`;
}

/** One protocol per match; absent (undefined) when the ports are every port of every protocol. */
export function portMatches(ports: Ports): (PortMatch | undefined)[] {
  const full = PROTOCOLS.every((p) => {
    const r = ports.set[p];
    return r.length === 1 && r[0]?.[0] === 1 && r[0][1] === MAX_PORT;
  });
  if (full && ports.other) return [undefined];
  const out: (PortMatch | undefined)[] = [];
  for (const protocol of PROTOCOLS) {
    const ranges = ports.set[protocol];
    if (ranges.length === 0) continue;
    const all = ranges.length === 1 && ranges[0]?.[0] === 1 && ranges[0][1] === MAX_PORT;
    out.push({ protocol, ports: all ? "all" : ranges });
  }
  if (ports.other) out.push({ protocol: "other" });
  return out;
}
