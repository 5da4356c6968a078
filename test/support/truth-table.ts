import { evaluateCluster } from "../../src/analyze/cluster/evaluate-cluster.js";
import { workloadMatrix } from "../../src/analyze/matrix/workload-matrix.js";
import { podParty } from "../../src/analyze/party.js";
import type { Model } from "../../src/model/model.js";
import type { Protocol } from "../../src/model/ports.js";

/**
 * Ward's connectivity truth table over the given pods ("ns/name", each a single Pod), decided by both engines: the
 * spec-literal reference (evaluateCluster, pod by pod) and the fast class matrix (workloadMatrix). Throws when the two
 * disagree on any pair, so a conformance table checks both. Self pairs are left out (loopback, never policed).
 */
export function wardTruthTable(
  model: Model,
  pods: readonly string[],
  port: number,
  protocol: Protocol,
): Map<string, boolean> {
  const byId = new Map(model.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const fast = new Map<string, boolean>(
    workloadMatrix(model, { port, protocol }).pairs.map((p) => [`${p.from} -> ${p.to}`, p.allowed] as const),
  );
  const out = new Map<string, boolean>();
  for (const from of pods)
    for (const to of pods) {
      if (from === to) continue;
      const a = byId.get(from);
      const b = byId.get(to);
      if (a === undefined || b === undefined) throw new Error(`no pod ${a === undefined ? from : to} in the model`);
      const key = `${from} -> ${to}`;
      const slow = evaluateCluster(model, { from: podParty(model, a), to: podParty(model, b), port, protocol }).allowed;
      if (fast.get(key) !== slow)
        throw new Error(`engines disagree on ${key} ${protocol}/${port}: reference ${slow}, matrix ${fast.get(key)}`);
      out.set(key, slow);
    }
  return out;
}

/** The pairs where two truth tables differ, as "from -> to: expected X, got Y" lines (empty when they agree). */
export function tableDiff(expected: ReadonlyMap<string, boolean>, actual: ReadonlyMap<string, boolean>): string[] {
  const out: string[] = [];
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (got !== want) out.push(`${key}: expected ${want ? "allowed" : "denied"}, got ${got}`);
  }
  return out;
}

/** One connection between two pods ("ns/name"), decided by both engines; throws when they disagree. */
export function decidePair(model: Model, from: string, to: string, port: number, protocol: Protocol): boolean {
  const find = (id: string) => {
    const pod = model.pods.find((p) => `${p.namespace}/${p.name}` === id);
    if (pod === undefined) throw new Error(`no pod ${id} in the model`);
    return pod;
  };
  const slow = evaluateCluster(model, {
    from: podParty(model, find(from)),
    to: podParty(model, find(to)),
    port,
    protocol,
  }).allowed;
  const fast = workloadMatrix(model, { port, protocol }).pairs.find((p) => p.from === from && p.to === to)?.allowed;
  if (fast !== slow)
    throw new Error(`engines disagree on ${from} -> ${to} ${protocol}/${port}: reference ${slow}, matrix ${fast}`);
  return slow;
}
