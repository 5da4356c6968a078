import type { CloudExposure, Control } from "../analyze/cloud/cloud-exposure.js";
import { formatSegments } from "../analyze/cloud/cloud-ports.js";
import { protoName } from "../analyze/cloud/path.js";
import type { FrontedWorkload } from "../analyze/exposure/cloud-cluster.js";
import { refText } from "./cloud-reach-report.js";

function ports(list: CloudExposure["exposed"]): string {
  return list.map((e) => `${protoName(e.protocol)} ${formatSegments(e.ports)}`).join("; ");
}

const STATE = { blocks: "✗ blocks", restricts: "◐ restricts", open: "○ open", unknown: "? unknown" } as const;

function behindNote(b: CloudExposure["behind"][number]): string {
  if (b.listenersUnknown) return " (its listeners are not in the files: on any port it forwards)";
  if (!b.listenerPorts) return "";
  const l = b.listenerPorts;
  const groups = b.targetGroups ?? [];
  const hop = b.hopUnknown ? ` — if the load balancer → target hop passes, which is unknown: ${b.hopUnknown}` : "";
  return ` via listener${l.length === 1 ? "" : "s"} ${l.join(", ")}${groups.length > 0 ? ` (target group ${groups.join(", ")})` : ""}${hop}`;
}

function workloadDepth(f: FrontedWorkload): string {
  if (f.depth === 0)
    return f.controls.some((c) => c.state === "unknown")
      ? "no control blocks it as far as Ward can tell (some are unknown)"
      : "reachable from the internet";
  return f.depth === 1
    ? "1 control blocks the internet — one mistake away from exposure"
    : `${f.depth} independent controls block the internet — all ${f.depth} would have to fail`;
}

function controlLine(indent: string, c: Control): string {
  const ref = c.refs[0];
  return `${indent}${STATE[c.state]}  ${c.control}: ${c.why}${ref ? `  [${refText(ref)}]` : ""}`;
}

/** The cluster workloads a node group fronts: the entry, the source the pod sees, each layer's control. */
function frontsText(fronts: readonly FrontedWorkload[]): string[] {
  const lines = ["  cluster workloads it fronts (LoadBalancer/NodePort Services):"];
  for (const f of fronts) {
    lines.push(`    ${f.workload} ← ${f.entry} → pod port ${f.port}/${f.protocol}: ${workloadDepth(f)}`);
    lines.push(`      source the pod sees: ${f.source.why}`);
    for (const c of f.controls) lines.push(controlLine("        ", c));
  }
  return lines;
}

function depthText(e: CloudExposure): string {
  if (e.exposed.length > 0) return "EXPOSED to the internet";
  if (e.exposedIpv6 && e.exposedIpv6.length > 0) return "EXPOSED to the internet over IPv6";
  if (e.depth === 0) return "not reachable from the internet as far as Ward can tell (some checks are unknown)";
  if (e.depth === 1) return "1 control blocks the internet — one mistake away from exposure";
  return `${e.depth} independent controls block the internet — all ${e.depth} would have to fail`;
}

/** `ward exposure` on the cloud layer: each resource, what the internet reaches, and its defense in depth. */
export function cloudExposureText(list: readonly CloudExposure[]): string {
  const lines = ["Cloud exposure: what the internet reaches, through which path, and the controls in between"];
  for (const e of list) {
    lines.push("", `${e.resource} (${e.kind}, tier ${e.tier}): ${depthText(e)}`);
    if (e.exposed.length > 0) lines.push(`  from the internet: ${ports(e.exposed)}`);
    if (e.exposedIpv6 && e.exposedIpv6.length > 0) lines.push(`  from the internet (IPv6): ${ports(e.exposedIpv6)}`);
    for (const b of e.behind)
      lines.push(
        `  behind internet-facing load balancer ${b.via}: ${protoName(b.protocol)} ${formatSegments(b.ports)}${behindNote(b)}`,
      );
    if (e.unknownTargets) lines.push(`  targets not in the files: ${e.unknownTargets.join("; ")}`);
    lines.push("  controls:");
    for (const c of e.controls) {
      const ref = c.refs[0];
      lines.push(`    ${STATE[c.state]}  ${c.control}: ${c.why}${ref ? `  [${refText(ref)}]` : ""}`);
    }
    if (e.fronts && e.fronts.length > 0) lines.push(...frontsText(e.fronts));
    if (e.exposed.length > 0 || (e.exposedIpv6?.length ?? 0) > 0) {
      const n = e.controls.filter((c) => c.state === "restricts").length;
      lines.push(
        `  defense in depth: ${n} restricting control${n === 1 ? "" : "s"} on the path${n <= 1 ? " — one mistake from wider exposure" : ""}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

export function cloudExposureJson(list: readonly CloudExposure[]): string {
  return `${JSON.stringify({ cloud: list }, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}
