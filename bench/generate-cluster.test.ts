import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { evaluateCluster } from "../src/analyze/cluster/evaluate-cluster.js";
import { computeClassMatrix } from "../src/analyze/matrix/class-matrix.js";
import { podParty } from "../src/analyze/party.js";
import { portsContain } from "../src/analyze/port-set.js";
import { buildModel } from "../src/load/index.js";
import type { Protocol } from "../src/model/ports.js";
import { type ClusterShape, generateCluster, type InputFile } from "./generate-cluster.js";
import { Rng } from "./prng.js";

const SMALL: ClusterShape = { seed: 7, namespaces: 10, pods: 200, policies: 40 };
/** Few pods, many policies: every policy feature shows up. */
const POLICY_RICH: ClusterShape = { seed: 11, namespaces: 10, pods: 200, policies: 200 };

type OwnerReference = { kind: string; name: string; controller: boolean };
type Doc = { kind?: string; metadata?: Record<string, unknown>; [key: string]: unknown };

/** Every object in the files, with List items unwrapped, as plain data (parsed with `yaml`, not the loader). */
function objects(files: readonly InputFile[]): Doc[] {
  const out: Doc[] = [];
  for (const f of files) {
    for (const d of parseAllDocuments(f.text)) {
      expect(d.errors).toEqual([]);
      const js = d.toJS() as Doc | null;
      if (js === null) continue;
      if (js.kind === "List") out.push(...(js.items as Doc[]));
      else out.push(js);
    }
  }
  return out;
}

const ofKind = (docs: Doc[], kind: string) => docs.filter((d) => d.kind === kind);

/** Generating and parsing take a few hundred milliseconds: do each once per shape. */
const memo = new Map<ClusterShape, { files: InputFile[]; docs?: Doc[] }>();
function cluster(shape: ClusterShape): InputFile[] {
  let entry = memo.get(shape);
  if (entry === undefined) {
    entry = { files: generateCluster(shape) };
    memo.set(shape, entry);
  }
  return entry.files;
}
function docsOf(shape: ClusterShape): Doc[] {
  cluster(shape);
  const entry = memo.get(shape) as { files: InputFile[]; docs?: Doc[] };
  entry.docs ??= objects(entry.files);
  return entry.docs;
}

describe("generateCluster", () => {
  it("is deterministic for a seed", () => {
    expect(generateCluster(SMALL)).toEqual(cluster(SMALL));
  });

  it("differs for another seed", () => {
    const a = cluster(SMALL).map((f) => f.text);
    const b = generateCluster({ ...SMALL, seed: SMALL.seed + 1 }).map((f) => f.text);
    expect(b).not.toEqual(a);
  });

  it("emits exactly the requested Namespaces, Pods and NetworkPolicies", () => {
    const docs = docsOf(SMALL);
    expect(ofKind(docs, "Namespace")).toHaveLength(SMALL.namespaces);
    expect(ofKind(docs, "Pod")).toHaveLength(SMALL.pods);
    expect(ofKind(docs, "NetworkPolicy")).toHaveLength(SMALL.policies);
    expect(ofKind(docs, "Deployment").length).toBeGreaterThan(10);
  });

  it("owns every Pod by a ReplicaSet that a Deployment controls, with a unique pod IP and named ports", () => {
    const docs = docsOf(SMALL);
    const key = (d: Doc) => `${d.metadata?.namespace}/${d.metadata?.name}`;
    const deployments = new Set(ofKind(docs, "Deployment").map(key));
    const replicaSets = new Map(ofKind(docs, "ReplicaSet").map((d) => [key(d), d]));
    const ips = new Set<string>();
    for (const pod of ofKind(docs, "Pod")) {
      const owners = pod.metadata?.ownerReferences as OwnerReference[];
      expect(owners).toEqual([expect.objectContaining({ kind: "ReplicaSet", controller: true })]);
      const rs = replicaSets.get(`${pod.metadata?.namespace}/${owners[0]?.name}`);
      const rsOwner = ((rs?.metadata?.ownerReferences ?? []) as OwnerReference[])[0];
      expect(rsOwner).toMatchObject({ kind: "Deployment", controller: true });
      expect(deployments.has(`${pod.metadata?.namespace}/${rsOwner?.name}`)).toBe(true);
      const ip = (pod.status as { podIP: string }).podIP;
      expect(ip).toMatch(/^10\.244\.\d+\.\d+$/);
      ips.add(ip);
      const ports = (pod.spec as { containers: { ports?: { name?: string }[] }[] }).containers.flatMap(
        (c) => c.ports ?? [],
      );
      expect(ports.some((p) => p.name !== undefined)).toBe(true);
    }
    expect(ips.size).toBe(SMALL.pods);
  });

  it("mixes every NetworkPolicy feature the benchmark promises", () => {
    const text = cluster(POLICY_RICH)
      .filter((f) => f.file.endsWith("networkpolicies.yaml"))
      .map((f) => f.text)
      .join("\n");
    for (const op of ["In", "NotIn", "Exists", "DoesNotExist"]) expect(text).toContain(`operator: ${op}\n`);
    for (const fragment of [
      "- Ingress\n    - Egress\n", // default deny both ways
      "kubernetes.io/metadata.name: kube-system", // DNS egress
      "namespaceSelector:",
      "podSelector:\n            matchLabels:", // a combined namespace + pod peer
      "ipBlock:",
      "except:",
      "cidr: 10.244.", // an ipBlock covering pod IPs
      "endPort:",
      "protocol: UDP",
      "port: http\n", // a named port
      "port: 443\n", // a numeric port
    ])
      expect(text).toContain(fragment);
  });

  it("rejects shapes it cannot build", () => {
    expect(() => generateCluster({ ...SMALL, namespaces: 2 })).toThrow(RangeError);
    expect(() => generateCluster({ ...SMALL, pods: -1 })).toThrow(RangeError);
  });
});

describe("the generated cluster through the loader and both engines", () => {
  it("loads with zero warnings and the requested counts", () => {
    const model = buildModel(cluster(SMALL));
    expect(model.warnings).toEqual([]);
    expect(model.namespaces.size).toBe(SMALL.namespaces);
    expect(model.pods.filter((p) => !p.fromTemplate)).toHaveLength(SMALL.pods);
    expect(model.policies).toHaveLength(SMALL.policies);
  });

  it("class matrix agrees with the spec-literal evaluator on 200 sampled pod pairs x probe ports", () => {
    const probes: { port: number; protocol: Protocol }[] = [
      { port: 53, protocol: "UDP" },
      { port: 53, protocol: "TCP" },
      { port: 80, protocol: "TCP" },
      { port: 443, protocol: "TCP" },
      { port: 5432, protocol: "TCP" },
      { port: 8080, protocol: "TCP" },
      { port: 8125, protocol: "UDP" },
      { port: 9090, protocol: "TCP" },
      { port: 9153, protocol: "TCP" },
      { port: 31000, protocol: "TCP" },
    ];
    for (const shape of [SMALL, POLICY_RICH]) {
      const model = buildModel(cluster(shape));
      const matrix = computeClassMatrix(model);
      const rng = new Rng(shape.seed);
      const disagreements: string[] = [];
      let allowed = 0;
      for (let k = 0; k < 200; k++) {
        const i = rng.int(0, model.pods.length - 1);
        let j = rng.int(0, model.pods.length - 2);
        if (j >= i) j++; // two different pods: a pod to itself is loopback, not a matrix question
        const from = model.pods[i];
        const to = model.pods[j];
        if (from === undefined || to === undefined) throw new Error("pod index out of range");
        const a = matrix.classes.classOfPod[i] as number;
        const b = matrix.classes.classOfPod[j] as number;
        const fast = matrix.ports.get(matrix.allowed[a * matrix.size + b] as number);
        for (const { port, protocol } of probes) {
          const slow = evaluateCluster(model, { from: podParty(model, from), to: podParty(model, to), port, protocol });
          if (slow.allowed) allowed++;
          if (slow.allowed !== portsContain(fast, protocol, port))
            disagreements.push(`${from.workload} -> ${to.workload} ${protocol}/${port}: reference ${slow.allowed}`);
        }
      }
      expect(disagreements).toEqual([]);
      // A sample where nothing (or everything) is allowed would prove little.
      expect(allowed).toBeGreaterThan(0);
      expect(allowed).toBeLessThan(200 * probes.length);
    }
  });
});
