import { z } from "zod";

/**
 * The ward.yaml schema (zod 4). docs/ward.schema.json is generated from it with z.toJSONSchema and a test keeps the
 * committed file up to date. Shapes only: cross-field rules (a peer is exactly one of id / namespace / cidr / fqdn,
 * references to named workloads exist, CIDRs parse, ports are in range) are checked in load-intent.ts so that each
 * gets its own problem code and line.
 */

const labels = z.record(z.string(), z.string()).describe("label key → value; all must match (matchLabels)");

export const workloadRefSchema = z
  .strictObject({
    id: z.string().optional().describe("a workload id <namespace>/<name> (a Pod's name or its controller's name)"),
    namespace: z.string().optional().describe("the namespace of the workloads picked by `selector`"),
    selector: labels.optional().describe("pod labels; absent = every workload of `namespace`"),
  })
  .describe("workloads: by id, or by namespace and pod labels");

export const peerSchema = z
  .strictObject({
    workload: z.string().optional().describe("the name of an entry of `workloads`"),
    id: z.string().optional().describe("a workload id <namespace>/<name>"),
    namespace: z.string().optional().describe("workloads of this namespace (with `selector`: those whose pods match)"),
    selector: labels.optional(),
    cidr: z.string().optional().describe("an address range outside the cluster, e.g. 203.0.113.0/24"),
    fqdn: z
      .string()
      .optional()
      .describe(
        "a DNS name; `*.example.com` matches every sub-domain of example.com at any depth (api.example.com, a.b.example.com), never example.com itself — Cilium's matchPattern `**.example.com`, not `*.example.com` (one label only)",
      ),
  })
  .describe("exactly one of: workload, id, namespace (+ selector), cidr, fqdn");

/** A peer: the name of a `workloads` entry, an id "<namespace>/<name>", or a mapping. */
export const peerInputSchema = z.union([z.string(), peerSchema]);

export const portObjectSchema = z.strictObject({
  port: z
    .union([z.number(), z.string()])
    .optional()
    .describe("a number, or a container port name (resolved on the destination); absent = every port"),
  endPort: z.number().optional().describe("makes port..endPort a range (port must be a number)"),
  protocol: z.enum(["TCP", "UDP", "SCTP"]).optional().describe("default TCP"),
});

/** 80, "http", "8000-8080", "53/UDP", "metrics/TCP", or a mapping. */
export const portSchema = z.union([z.number(), z.string(), portObjectSchema]);

export const pathSchema = z.strictObject({
  name: z.string().optional().describe("a short name, used in reports and generated policy names"),
  from: peerInputSchema.describe("the client: a workload reference or a cidr"),
  to: peerInputSchema.describe("the server: a workload reference, a cidr or an fqdn"),
  ports: z
    .union([z.literal("all"), z.array(portSchema).min(1)])
    .describe('destination ports: a list, or "all" for every port and protocol'),
  http: z
    .strictObject({
      methods: z
        .array(z.string())
        .optional()
        .describe("HTTP methods, case-sensitive (GET, POST, …); absent or empty: every method"),
      paths: z
        .array(z.string())
        .optional()
        .describe(
          'URL paths (without the query string), matched as Istio matches AuthorizationPolicy paths: "/api/v1" exactly that path; "/api/*" every path that starts with "/api/" (a string prefix: not "/api" itself, and "/api*" would also match "/apix"); "*.json" every path that ends with ".json"; "*" every path; absent or empty: every path',
        ),
    })
    .optional()
    .describe(
      "optional L7 restriction: only these requests (method AND path) may pass. Proved at the mesh layer (Istio, Linkerd) when the configuration has one; without http, the mesh must admit every request from the client",
    ),
  identity: z
    .union([z.literal("required"), z.array(z.string()).min(1)])
    .optional()
    .describe(
      '"required": the client must present its own mTLS identity (cluster.local/ns/<ns>/sa/<serviceAccount>) and plaintext must be refused; a list: only these principals (Istio form, <trust domain>/ns/<ns>/sa/<sa>), and plaintext refused; absent: the client as it is (mTLS when it has a sidecar, plaintext otherwise)',
    ),
});

export const intentSchema = z
  .strictObject({
    apiVersion: z.literal("ward.dev/v1").optional(),
    kind: z.literal("Intent").optional(),
    namespaces: z
      .array(z.string())
      .optional()
      .describe(
        "the namespaces this intent governs (default-deny applies there); default: every namespace a workload reference names",
      ),
    defaults: z
      .strictObject({
        deny: z.boolean().optional().describe("default true: what is not listed must be denied"),
        dns: z
          .boolean()
          .optional()
          .describe(
            "default true: every workload may reach kube-dns (kube-system, k8s-app=kube-dns) on UDP and TCP 53",
          ),
      })
      .optional(),
    workloads: z.record(z.string(), workloadRefSchema).optional().describe("named workload references"),
    paths: z.array(pathSchema).optional().describe("the allowed connections"),
  })
  .describe("Ward intent: who may talk to whom, on which ports");

export type IntentData = z.output<typeof intentSchema>;
export type PeerData = z.output<typeof peerSchema>;
export type PortData = z.output<typeof portSchema>;
export type PathData = z.output<typeof pathSchema>;

/** The JSON Schema published as docs/ward.schema.json. */
export function intentJsonSchema(): Record<string, unknown> {
  return {
    $id: "https://ward.dev/schemas/ward.schema.json",
    title: "ward.yaml",
    ...(z.toJSONSchema(intentSchema, { target: "draft-2020-12" }) as Record<string, unknown>),
  };
}
