import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../errors/input-error.js";
import { parseFlows } from "./read-flows.js";

const fixture = (name: string) => ({
  file: name,
  text: readFileSync(`test/fixtures/flows/${name}`, "utf8"),
});

describe("flow logs", () => {
  it("reads hubble observe -o json lines: labels without Cilium's own, ports, verdicts; replies and ICMP skipped", () => {
    const log = parseFlows([fixture("hubble-payments.json")]);
    expect(log.flows).toHaveLength(14);
    expect(Object.fromEntries(log.skipped)).toEqual({ reply: 1, "not TCP, UDP or SCTP": 1 });
    const second = log.flows[1];
    expect(second).toMatchObject({
      from: { namespace: "ingress-nginx", pod: "ingress-nginx-controller-5c8d66c76d-8kq2n", ip: "10.244.1.10" },
      to: { namespace: "payments", labels: { app: "frontend", tier: "frontend" } },
      port: 80,
      protocol: "TCP",
      verdict: "allowed",
      line: 2,
    });
    expect(log.flows[0]?.from).toEqual({ ip: "198.51.100.7", world: true });
    expect(log.flows.filter((f) => f.verdict === "denied").map((f) => f.line)).toEqual([16]);
  });

  it("reads VPC flow log v2 records: protocol numbers, ACCEPT/REJECT, NODATA/SKIPDATA and the header skipped", () => {
    const log = parseFlows([fixture("vpc-flow-logs-v2.log")]);
    expect(
      log.flows.map((f) => `${f.from.ip}:${f.sourcePort}>${f.to.ip}:${f.port}/${f.protocol} ${f.verdict}`),
    ).toEqual([
      "10.0.1.15:49152>10.0.2.20:5432/TCP allowed",
      "10.0.2.20:5432>10.0.1.15:49152/TCP allowed",
      "10.0.1.15:53411>10.0.0.2:53/UDP allowed",
      "203.0.113.99:51515>10.0.1.15:22/TCP denied",
    ]);
    expect(Object.fromEntries(log.skipped)).toEqual({ header: 1, "protocol 1": 1, NODATA: 1, SKIPDATA: 1 });
  });

  it("reads Ward JSONL with ids, IPs and label endpoints", () => {
    const log = parseFlows([fixture("ward-flows.jsonl")]);
    expect(log.flows).toHaveLength(5);
    expect(log.flows[2]?.to).toEqual({ ip: "203.0.113.10" });
    expect(log.flows[3]).toMatchObject({ protocol: "UDP", port: 53, to: { workload: "kube-system/coredns" } });
  });

  it("reports every bad line with file:line", () => {
    try {
      parseFlows([
        {
          file: "bad.log",
          text: [
            "2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 99999 6 1 1 1 2 ACCEPT OK",
            '{"flow": {"verdict": "FORWARDED", "l4": {"TCP": {"destination_port": "x"}}}}',
            '{"from": "a/b", "to": "nope", "port": 80}',
            "3 1 eni 10.0.0.1 10.0.0.2 1 80 6 1 1 1 2 ACCEPT OK",
            "{not json",
          ].join("\n"),
        },
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).problems.map((p) => `${p.line}:${p.code}`)).toEqual([
        "1:invalid-flow",
        "2:invalid-flow",
        "3:invalid-flow",
        "4:invalid-flow",
        "5:json-syntax",
      ]);
    }
  });
});
