import { z } from "zod";
import { isValidIp } from "../../model/cidr.js";
import type { Flow, FlowEndpoint } from "./flow.js";

const endpointSchema = z.union([
  z.string(),
  z.strictObject({
    namespace: z.string().optional(),
    pod: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    ip: z.string().optional(),
    workload: z.string().optional(),
  }),
]);

/** Ward's own flow line: {"from": "ns/name" | IP | {...}, "to": …, "port": 80, "protocol": "TCP", "verdict": "allowed"}. */
export const wardFlowSchema = z.strictObject({
  from: endpointSchema,
  to: endpointSchema,
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(["TCP", "UDP", "SCTP"]).optional(),
  verdict: z.enum(["allowed", "denied", "audit"]).optional(),
});

function endpoint(e: z.output<typeof endpointSchema>): FlowEndpoint | string {
  if (typeof e === "string") {
    if (isValidIp(e)) return { ip: e };
    const [ns, name, extra] = e.split("/");
    if (!ns || !name || extra !== undefined)
      return `"${e}" is neither a workload id <namespace>/<name> nor an IP address`;
    return { workload: e, namespace: ns };
  }
  if (e.ip !== undefined && !isValidIp(e.ip)) return `invalid ip "${e.ip}"`;
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as FlowEndpoint;
}

export function parseWardFlow(value: unknown, file: string, line: number): Flow | string {
  const r = wardFlowSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    return `${issue?.path.join(".") || "flow"}: ${issue?.message ?? "invalid"}`;
  }
  const from = endpoint(r.data.from);
  const to = endpoint(r.data.to);
  if (typeof from === "string") return `from: ${from}`;
  if (typeof to === "string") return `to: ${to}`;
  return {
    from,
    to,
    port: r.data.port,
    protocol: r.data.protocol ?? "TCP",
    verdict: r.data.verdict ?? "allowed",
    format: "ward",
    file,
    line,
  };
}
