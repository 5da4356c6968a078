import { eachLimit } from "../exec.js";
import { GATEWAY, type LabPlan } from "../lab-plan.js";
import { ipBatch, listNamespaces, netnsExec } from "./ip.js";

/** The router's end of the external namespace's veth. */
export const EXTERNAL_IF = "wx";

export function labNamespaces(plan: LabPlan): string[] {
  return [plan.router, plan.external, ...plan.pods.map((p) => p.netns)];
}

function endpointLines(addresses: readonly string[]): string[] {
  return [
    "link set lo up",
    "link set eth0 up",
    ...addresses.map((a) => `addr add ${a}/32 dev eth0`),
    // Calico's layout: a /32 on eth0 and a default route via a link-local gateway the router answers for.
    `route add ${GATEWAY}/32 dev eth0`,
    `route add default via ${GATEWAY} dev eth0`,
  ];
}

export async function createNamespaces(names: readonly string[]): Promise<void> {
  await ipBatch(names.map((n) => `netns add ${n}`));
}

/**
 * Wires the lab: every pod namespace and the external one get a veth to the router namespace, which routes /32s to
 * the pods and everything else to the external namespace. Forwarding stays off until `openForwarding`, so nothing
 * flows before the ruleset is in place.
 */
export async function wireLab(plan: LabPlan): Promise<void> {
  const router = [
    "link set lo up",
    `addr add ${GATEWAY}/32 dev lo`,
    ...plan.pods.flatMap((p) => [
      `link add ${p.hostIf} type veth peer name eth0 netns ${p.netns}`,
      `link set ${p.hostIf} up`,
      `route add ${p.address}/32 dev ${p.hostIf}`,
    ]),
    `link add ${EXTERNAL_IF} type veth peer name eth0 netns ${plan.external}`,
    `link set ${EXTERNAL_IF} up`,
    `route add default dev ${EXTERNAL_IF}`,
  ];
  await ipBatch(router, plan.router);
  const endpoints: [string, string[]][] = [
    ...plan.pods.map((p): [string, string[]] => [p.netns, [p.address]]),
    [plan.external, plan.externals.map((x) => x.address)],
  ];
  await eachLimit(endpoints, 16, ([netns, addresses]) => ipBatch(endpointLines(addresses), netns));
}

export async function openForwarding(router: string): Promise<void> {
  await netnsExec(router, "sh", ["-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"]);
}

/** Deletes the namespaces that exist among `names` (their veths go with them); what was there, and any ip error. */
export async function deleteNamespaces(names: readonly string[]): Promise<{ deleted: string[]; error?: string }> {
  const existing = new Set(await listNamespaces());
  const deleted = names.filter((n) => existing.has(n));
  try {
    // -force: keep going past a namespace that vanished meanwhile; what is left is checked by the caller.
    await ipBatch(
      deleted.map((n) => `netns del ${n}`),
      undefined,
      true,
    );
    return { deleted };
  } catch (e) {
    return { deleted, error: e instanceof Error ? e.message : String(e) };
  }
}
