import { type ContainerPort, type PortSpec, PROTOCOLS, type Protocol, resolveNamedPort } from "../../model/ports.js";
import { MAX_PORT, type PortSet, portSetOf, type Ranges } from "../port-set.js";

function subtractRanges(a: Ranges, b: Ranges): [number, number][] {
  const out: [number, number][] = [];
  for (const [s0, e] of a) {
    let s = s0;
    for (const [bs, be] of b) {
      if (be < s || bs > e) continue;
      if (bs > s) out.push([s, bs - 1]);
      s = Math.max(s, be + 1);
      if (s > e) break;
    }
    if (s <= e) out.push([s, e]);
  }
  return out;
}

/** a \ b */
export function subtractPorts(a: PortSet, b: PortSet): PortSet {
  const entries: { protocol: Protocol; start: number; end: number }[] = [];
  for (const p of PROTOCOLS)
    for (const [start, end] of subtractRanges(a[p], b[p])) entries.push({ protocol: p, start, end });
  return portSetOf(entries);
}

/**
 * The ports a list of port entries allows toward a destination with these container ports, with NetworkPolicy
 * semantics: no entries ("all") = every port of every protocol; no port = every port of the protocol; a name resolves
 * on the destination's containers (name and protocol must match).
 */
export function specPorts(ports: readonly PortSpec[] | "all", destination: readonly ContainerPort[]): PortSet {
  if (ports === "all") return portSetOf(PROTOCOLS.map((protocol) => ({ protocol, start: 1, end: MAX_PORT })));
  const entries: { protocol: Protocol; start: number; end: number }[] = [];
  for (const spec of ports) {
    if (spec.port === undefined) entries.push({ protocol: spec.protocol, start: 1, end: MAX_PORT });
    else if (typeof spec.port === "number")
      entries.push({ protocol: spec.protocol, start: spec.port, end: spec.endPort ?? spec.port });
    else
      for (const port of resolveNamedPort(spec.port, spec.protocol, destination))
        entries.push({ protocol: spec.protocol, start: port, end: port });
  }
  return portSetOf(entries);
}

/** One (protocol, port) per protocol present: the first port of its first range. */
export function samplePorts(set: PortSet): { protocol: Protocol; port: number }[] {
  const out: { protocol: Protocol; port: number }[] = [];
  for (const p of PROTOCOLS) {
    const first = set[p][0];
    if (first) out.push({ protocol: p, port: first[0] });
  }
  return out;
}
