import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomMixedCluster } from "../../test/support/random-cluster.js";
import { DEFAULT_TIER } from "../model/policy.js";
import { modelFromJson, modelToJson } from "./model-snapshot.js";

describe("model snapshot", () => {
  it("gives back an equal model after a trip through JSON text", () => {
    fc.assert(
      fc.property(randomMixedCluster, (model) => {
        const back = modelFromJson(JSON.parse(JSON.stringify(modelToJson(model))));
        expect(back).toEqual(model);
      }),
      { numRuns: 50, seed: 7 },
    );
  });

  it("keeps one object per tier, the model's own constants, since evaluators compare tiers by identity", () => {
    fc.assert(
      fc.property(randomMixedCluster, (model) => {
        const back = modelFromJson(JSON.parse(JSON.stringify(modelToJson(model))));
        back.policies.forEach((p, i) => {
          expect(p.tier).toBe(model.policies[i]?.tier);
        });
        for (const p of back.policies) if (p.tier.name === DEFAULT_TIER.name) expect(p.tier).toBe(DEFAULT_TIER);
      }),
      { numRuns: 50, seed: 7 },
    );
  });
});
