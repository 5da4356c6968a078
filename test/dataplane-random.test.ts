import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { labDown } from "../src/dataplane/lab-down.js";
import { labUp } from "../src/dataplane/lab-up.js";
import { probeLab } from "../src/dataplane/probe/probe-lab.js";
import { disagreements } from "../src/dataplane/probe/probe-report.js";
import type { Model } from "../src/model/model.js";
import { cleanUpLabs, dataplaneSkipReason, labName, namespacesOf } from "./support/dataplane.js";
import { randomCluster, randomMixedCluster } from "./support/random-cluster.js";

const skip = await dataplaneSkipReason();

// Seeded, so CI probes the same clusters every run; clusters with policies and a few pods say the most.
const interesting = (m: Model) => m.policies.length > 0 && m.pods.length >= 3;
const clusters: [string, Model][] = [
  ...fc
    .sample(randomCluster.filter(interesting), { seed: 20261125, numRuns: 5 })
    .map((m, i): [string, Model] => [`np${i}`, m]),
  ...fc
    .sample(randomMixedCluster.filter(interesting), { seed: 20261125, numRuns: 2 })
    .map((m, i): [string, Model] => [`mx${i}`, m]),
];
const tags = clusters.map((_, i) => String.fromCharCode(97 + i));

describe.skipIf(skip !== undefined)(`random clusters enforced in a lab${skip ? ` (skipped: ${skip})` : ""}`, () => {
  afterAll(() => cleanUpLabs(tags), 180_000);

  clusters.forEach(([id, model], i) => {
    const lab = labName(tags[i] as string);
    it(`cluster ${id}: ${model.pods.length} pods, ${model.policies.length} policies — probe agrees with ward matrix`, async () => {
      try {
        await labUp(model, { name: lab });
        const report = await probeLab(lab);
        expect(disagreements(report)).toEqual([]);
        expect(report.pairs.some((p) => p.status === "agree")).toBe(true);
      } finally {
        await labDown(lab);
      }
      expect(await namespacesOf(lab)).toEqual([]);
    });
  });
});
