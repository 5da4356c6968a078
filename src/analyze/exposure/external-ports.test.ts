import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROBE_PORTS, randomMixedCluster } from "../../../test/support/random-cluster.js";
import { parseCidr } from "../../model/cidr.js";
import { evaluateCluster } from "../cluster/evaluate-cluster.js";
import { type Party, podParty } from "../party.js";
import { portsContain } from "../port-set.js";
import { externalSegments, rangeToCidrs } from "./external-ports.js";

const PROBES = [
  "10.0.0.0",
  "10.0.0.3",
  "10.0.0.4",
  "10.0.0.5",
  "10.0.0.6",
  "10.0.0.8",
  "192.0.2.1",
  "fd00::2",
  "fd00::9",
  "2001:db8::1",
];

describe("external segments", () => {
  it("agree with the reference evaluator for every probe address and port, on random tiered clusters", () => {
    fc.assert(
      fc.property(randomMixedCluster, (model) => {
        for (const pod of model.pods.slice(0, 2)) {
          for (const direction of ["egress", "ingress"] as const) {
            const segments = externalSegments(model, pod, direction);
            for (const text of PROBES) {
              const ip = parseCidr(text);
              const seg = segments.find((s) => s.family === ip.family && s.start <= ip.start && ip.start <= s.end);
              expect(seg).toBeDefined();
              const other: Party = { kind: "external", range: ip };
              const self = podParty(model, pod);
              for (const { port, protocol } of PROBE_PORTS) {
                const conn =
                  direction === "egress"
                    ? { from: self, to: other, port, protocol }
                    : { from: other, to: self, port, protocol };
                const expected = evaluateCluster(model, conn)[direction].allowed;
                expect(portsContain(seg?.ports ?? { TCP: [], UDP: [], SCTP: [] }, protocol, port)).toBe(expected);
              }
            }
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it("cover a range with the fewest CIDRs", () => {
    const v4 = (s: string) => parseCidr(s).start;
    expect(rangeToCidrs(4, v4("10.0.0.0"), v4("10.0.0.255"))).toEqual(["10.0.0.0/24"]);
    expect(rangeToCidrs(4, v4("10.0.0.1"), v4("10.0.0.6"))).toEqual([
      "10.0.0.1/32",
      "10.0.0.2/31",
      "10.0.0.4/31",
      "10.0.0.6/32",
    ]);
  });
});
