import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PROBE_PORTS,
  randomCluster,
  randomHostNetworkCluster,
  randomMixedCluster,
} from "../../../test/support/random-cluster.js";
import type { Model } from "../../model/model.js";
import { evaluateCluster } from "../cluster/evaluate-cluster.js";
import { podParty } from "../party.js";
import { portsContain } from "../port-set.js";
import { computeClassMatrix } from "./class-matrix.js";
import { workloadMatrix } from "./workload-matrix.js";

function disagreements(model: Model): string[] {
  const matrix = computeClassMatrix(model);
  const out: string[] = [];
  model.pods.forEach((p, i) => {
    model.pods.forEach((q, j) => {
      const id = matrix.allowed[
        (matrix.classes.classOfPod[i] as number) * matrix.size + (matrix.classes.classOfPod[j] as number)
      ] as number;
      const fast = matrix.ports.get(id);
      for (const { port, protocol } of PROBE_PORTS) {
        const slow = evaluateCluster(model, {
          from: podParty(model, p),
          to: podParty(model, q),
          port,
          protocol,
        }).allowed;
        if (slow !== portsContain(fast, protocol, port))
          out.push(`${p.name}->${q.name} ${protocol}/${port}: reference ${slow}`);
      }
    });
  });
  return out;
}

describe("fast engine vs spec-literal reference", () => {
  it("agrees on every ordered pod pair and probed port of random clusters", () => {
    fc.assert(
      fc.property(randomCluster, (model) => {
        expect(disagreements(model)).toEqual([]);
      }),
      { numRuns: 400, seed: 20261125 },
    );
  });

  it("agrees on mixed ANP + NetworkPolicy + Cilium deny + Calico-style + BANP clusters", () => {
    fc.assert(
      fc.property(randomMixedCluster, (model) => {
        expect(disagreements(model)).toEqual([]);
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });

  it("agrees on mixed clusters with host-network pods, which admin-tier subjects and pod peers leave out", () => {
    fc.assert(
      fc.property(randomHostNetworkCluster, (model) => {
        expect(disagreements(model)).toEqual([]);
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });

  it("agrees on mixed clusters with a fresh random seed", () => {
    fc.assert(
      fc.property(randomMixedCluster, (model) => disagreements(model).length === 0),
      { numRuns: 100 },
    );
  });

  it("agrees on a fresh random seed too", () => {
    fc.assert(
      fc.property(randomCluster, (model) => disagreements(model).length === 0),
      { numRuns: 200 },
    );
  });

  it("workload matrix: allowed iff some pod pair is allowed by the reference, loopback for single pods", () => {
    fc.assert(
      fc.property(randomCluster, (model) => {
        const wm = workloadMatrix(model, { port: 80, protocol: "TCP" });
        for (const pair of wm.pairs) {
          const from = model.workloads.find((w) => w.id === pair.from);
          const to = model.workloads.find((w) => w.id === pair.to);
          if (!from || !to) throw new Error("unknown workload");
          if (from === to && from.single) {
            expect(pair.loopback && pair.allowed).toBe(true);
            continue;
          }
          const pods = (w: typeof from) => w.pods.map((i) => model.pods[i]).filter((p) => p !== undefined);
          const expected = pods(from).some((p) =>
            pods(to).some(
              (q) =>
                evaluateCluster(model, { from: podParty(model, p), to: podParty(model, q), port: 80, protocol: "TCP" })
                  .allowed,
            ),
          );
          expect(pair.allowed).toBe(expected);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
