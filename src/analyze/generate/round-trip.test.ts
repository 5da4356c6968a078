import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseIntent } from "../../intent/load-intent.js";
import { buildModel } from "../../load/index.js";
import { verify } from "../verify/verify.js";
import { generateFromIntent } from "./from-intent.js";

/**
 * The round trip: policies generated from an intent, loaded back with the workloads, verify against that intent
 * with zero differences — for random workloads (labels that collide, named ports) and random intents.
 */
const NAMESPACES = ["alpha", "beta", "kube-system"] as const;
const KEYS = ["app", "tier"] as const;
const VALUES = ["a", "b", "c"] as const;
const PORT_NAMES = ["http", "metrics", "dns"] as const;
const NUMBERS = [53, 80, 443, 8080] as const;

const labelsArb = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });

const workloadArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels: labelsArb,
  dns: fc.boolean(),
  replicas: fc.constantFrom(1, 2),
  ports: fc.uniqueArray(
    fc.record({
      name: fc.constantFrom(...PORT_NAMES),
      containerPort: fc.constantFrom(...NUMBERS),
      protocol: fc.constantFrom("TCP", "UDP"),
    }),
    { selector: (p) => p.name, maxLength: 3 },
  ),
});

type W = {
  namespace: string;
  labels: Record<string, string>;
  dns: boolean;
  replicas: number;
  ports: { name: string; containerPort: number; protocol: string }[];
};

function workloadsYaml(ws: W[]): string {
  const docs: unknown[] = NAMESPACES.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
  ws.forEach((w, i) => {
    const labels = { ...w.labels, ...(w.dns && w.namespace === "kube-system" ? { "k8s-app": "kube-dns" } : {}) };
    const spec = { containers: [{ name: "main", image: "app", ports: w.ports }] };
    if (Object.keys(labels).length === 0 || w.replicas === 1)
      docs.push({ apiVersion: "v1", kind: "Pod", metadata: { name: `w${i}`, namespace: w.namespace, labels }, spec });
    else
      docs.push({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: `w${i}`, namespace: w.namespace },
        spec: { replicas: w.replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec } },
      });
  });
  return docs.map((d) => `---\n${stringify(d)}`).join("");
}

const portArb = fc.oneof(
  fc.constantFrom(...NUMBERS),
  fc.constantFrom(...PORT_NAMES),
  fc.constantFrom("53/UDP", "8000-8080", "http/UDP"),
  fc.constant({ protocol: "SCTP" }),
);

const FQDNS = ["api.example.com", "*.example.com", "*.api.example.com", "example.com", "db.internal"] as const;

function intentArb(count: number, fqdn = false) {
  const workloadPeer = fc.oneof(
    fc.integer({ min: 0, max: count - 1 }).map((i) => ({ ref: i })),
    fc.record({ namespace: fc.constantFrom(...NAMESPACES), selector: labelsArb }),
  );
  const cidr = fc.constantFrom("203.0.113.0/24", "10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32").map((c) => ({ cidr: c }));
  const path = fc.record({
    from: fc.oneof({ weight: 4, arbitrary: workloadPeer }, { weight: 1, arbitrary: cidr }),
    to: fc.oneof(
      { weight: 4, arbitrary: workloadPeer },
      { weight: 1, arbitrary: cidr },
      { weight: fqdn ? 2 : 0, arbitrary: fc.constantFrom(...FQDNS).map((name) => ({ fqdn: name })) },
    ),
    ports: fc.oneof(
      { weight: 1, arbitrary: fc.constant("all") },
      { weight: 4, arbitrary: fc.array(portArb, { minLength: 1, maxLength: 3 }) },
    ),
  });
  return fc.record({
    namespaces: fc.option(fc.subarray([...NAMESPACES], { minLength: 1 }), { nil: undefined }),
    dns: fc.boolean(),
    paths: fc.array(path, { maxLength: 5 }),
  });
}

function intentYaml(
  intent: { namespaces: string[] | undefined; dns: boolean; paths: { from: unknown; to: unknown; ports: unknown }[] },
  ws: W[],
): string {
  const peer = (p: unknown) => {
    const q = p as { ref?: number; cidr?: string; namespace?: string; selector?: Record<string, string> };
    if (q.ref !== undefined) return `${ws[q.ref]?.namespace}/w${q.ref}`;
    return q;
  };
  return stringify({
    ...(intent.namespaces ? { namespaces: intent.namespaces } : {}),
    defaults: { deny: true, dns: intent.dns },
    paths: intent.paths.map((p) => ({ from: peer(p.from), to: peer(p.to), ports: p.ports })),
  });
}

describe("generate --from-intent --target networkpolicy", () => {
  it("round-trips the payments example through verify with zero differences", async () => {
    const { readFileSync } = await import("node:fs");
    const inputs = ["workloads.yaml", "namespaces.yaml"].map((f) => ({
      file: f,
      text: readFileSync(`examples/payments/${f}`, "utf8"),
    }));
    const intent = parseIntent("ward.yaml", readFileSync("examples/payments/ward.yaml", "utf8"));
    const generated = await generateFromIntent(intent, buildModel(inputs), "networkpolicy");
    expect(generated.warnings).toEqual([]);
    const model = buildModel([...inputs, { file: "generated.yaml", text: generated.yaml }]);
    expect(model.policies.length).toBe(generated.manifests.length);
    const result = verify(model, intent);
    expect(result.differences).toEqual([]);
    expect(result.pairsChecked).toBeGreaterThan(0);
  });

  it("round-trips random intents over random workloads with zero differences", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(workloadArb, { minLength: 1, maxLength: 6 })
          .chain((ws) => fc.tuple(fc.constant(ws), intentArb(ws.length))),
        async ([ws, raw]) => {
          const workloads = { file: "workloads.yaml", text: workloadsYaml(ws) };
          const base = buildModel([workloads]);
          const intent = parseIntent("ward.yaml", intentYaml(raw, ws));
          const generated = await generateFromIntent(intent, base, "networkpolicy");
          // Workloads with the same labels in one namespace cannot be told apart by any policy: out of scope.
          fc.pre(!generated.warnings.some((w) => w.includes("carry the same labels")));
          const model = buildModel([workloads, { file: "generated.yaml", text: generated.yaml }]);
          const result = verify(model, intent);
          expect(result.differences).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("generate --from-intent --target cilium", () => {
  it("round-trips random intents with egress by DNS name (toFQDNs) through verify with zero differences", async () => {
    const property = () =>
      fc.asyncProperty(
        fc
          .array(workloadArb, { minLength: 1, maxLength: 5 })
          .chain((ws) => fc.tuple(fc.constant(ws), intentArb(ws.length, true))),
        async ([ws, raw]) => {
          const workloads = { file: "workloads.yaml", text: workloadsYaml(ws) };
          const base = buildModel([workloads]);
          const intent = parseIntent("ward.yaml", intentYaml(raw, ws));
          const generated = await generateFromIntent(intent, base, "cilium");
          fc.pre(!generated.warnings.some((w) => w.includes("carry the same labels")));
          // Without DNS, toFQDNs never learns an address: the generator warns and the names stay denied.
          fc.pre(intent.dns || !intent.paths.some((p) => p.to.kind === "fqdn"));
          const model = buildModel([workloads, { file: "generated.yaml", text: generated.yaml }]);
          const result = verify(model, intent);
          expect(result.differences).toEqual([]);
        },
      );
    await fc.assert(property(), { numRuns: 40 });
    // Found in CI: a named port the destination lacks must not widen the generated rule to every port.
    await fc.assert(property(), { seed: -880066112, path: "19:11:0:1:0:1:3", endOnFailure: true });
  });
});
