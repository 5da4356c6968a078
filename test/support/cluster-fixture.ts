import { workloadMatrix } from "../../src/analyze/matrix/workload-matrix.js";
import { reach } from "../../src/analyze/reach/reach.js";
import { buildModel } from "../../src/load/index.js";
import type { Model } from "../../src/model/model.js";
import type { Protocol } from "../../src/model/ports.js";

/** Builds a model from inline YAML documents, as if read from "test.yaml". */
export function modelOf(...docs: string[]): Model {
  return buildModel([{ file: "test.yaml", text: docs.join("\n---\n") }]);
}

export function pod(namespace: string, name: string, labels: Record<string, string> = {}, extra = ""): string {
  const lines = Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`);
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
${lines.length ? lines.join("\n") : "    {}"}
spec:
  containers:
    - name: main
      image: app
${extra}`;
}

export function namespace(name: string, labels: Record<string, string> = {}): string {
  const lines = Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`);
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
${lines.length ? `  labels:\n${lines.join("\n")}` : ""}`;
}

export function policy(namespace: string, name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${spec
  .split("\n")
  .map((l) => `  ${l}`)
  .join("\n")}`;
}

/**
 * Decides one connection with both engines — the spec-literal evaluator (reach) and, between workloads,
 * the fast class matrix — and fails loudly if they disagree, so every semantic test checks both.
 */
export function allowed(model: Model, from: string, to: string, port: number, protocol: Protocol = "TCP"): boolean {
  const slow = reach(model, { from, to, port, protocol }).allowed;
  const isWorkload = (id: string) => model.workloads.some((w) => w.id === id);
  if (isWorkload(from) && isWorkload(to)) {
    const pair = workloadMatrix(model, { port, protocol }).pairs.find((p) => p.from === from && p.to === to);
    if (pair?.allowed !== slow)
      throw new Error(`engines disagree on ${from} -> ${to} ${protocol}/${port}: reference ${slow}`);
  }
  return slow;
}
