import { describe, expect, it } from "vitest";
import { modelOf, namespace, pod } from "../../../test/support/cluster-fixture.js";
import { parseIntent } from "../../intent/load-intent.js";
import { formatPorts } from "../port-set.js";
import { verify } from "./verify.js";

const DNS_PROXY = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: dns, namespace: shop }
spec:
  endpointSelector: {}
  egress:
    - toEndpoints:
        - matchLabels: { k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns }
      toPorts:
        - ports: [{ port: "53", protocol: UDP }, { port: "53", protocol: TCP }]
          rules: { dns: [{ matchPattern: "*" }] }`;

function egressByName(selector: string, ports: string): string {
  return `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: api-egress, namespace: shop }
spec:
  endpointSelector: { matchLabels: { app: api } }
  egress:
    - toFQDNs: [${selector}]
      toPorts: [{ ports: [${ports}] }]`;
}

function model(...policies: string[]) {
  return modelOf(
    namespace("shop"),
    namespace("kube-system"),
    pod("shop", "api", { app: "api" }),
    pod("kube-system", "coredns", { "k8s-app": "kube-dns" }),
    ...policies,
  );
}

function intent(to: string, ports = "[443]") {
  return parseIntent(
    "ward.yaml",
    `namespaces: [shop]
paths:
  - name: out
    from: shop/api
    to: { fqdn: "${to}" }
    ports: ${ports}
`,
  );
}

const summary = (r: ReturnType<typeof verify>) =>
  r.differences
    .filter((d) => d.from === "shop/api" && !d.to.startsWith("kube-system/"))
    .map((d) => `${d.kind} ${d.from} → ${d.to} ${formatPorts(d.ports)}`);

describe("verify: egress by DNS name against toFQDNs", () => {
  it("proves a named path the configuration allows exactly", () => {
    const m = model(DNS_PROXY, egressByName(`{ matchName: api.example.com }`, `{ port: "443", protocol: TCP }`));
    const r = verify(m, intent("api.example.com"));
    expect(summary(r)).toEqual([]);
    expect(r.notes).toEqual([]);
  });

  it("reports a name the configuration denies, naming the policy, and the DNS proxy rule FQDN policy needs", () => {
    const r = verify(model(DNS_PROXY), intent("api.example.com"));
    expect(summary(r)).toEqual(["missing shop/api → api.example.com TCP/443"]);
    const why = r.differences
      .find((d) => d.to === "api.example.com")
      ?.samples[0]?.decidedBy.map((d) => `${d.kind} ${d.name} ${d.file}`);
    expect(why).toEqual(["CiliumNetworkPolicy dns test.yaml"]);
    // The toFQDNs rule is there, but no rules.dns lets the proxy learn the name: still denied.
    const noProxy = verify(
      model(egressByName(`{ matchName: api.example.com }`, `{ port: "443", protocol: TCP }`)),
      intent("api.example.com"),
    );
    expect(summary(noProxy)).toContain("missing shop/api → api.example.com TCP/443");
    expect(
      noProxy.differences.flatMap((d) => d.samples.flatMap((s) => s.decidedBy.map((x) => x.why))).join("\n"),
    ).toContain("DNS proxy");
  });

  it("reports names a wider pattern allows beyond the intent, and ports beyond it", () => {
    const m = model(
      DNS_PROXY,
      egressByName(
        `{ matchPattern: "*.example.com" }`,
        `{ port: "443", protocol: TCP }, { port: "80", protocol: TCP }`,
      ),
    );
    expect(summary(verify(m, intent("api.example.com")))).toEqual([
      "extra shop/api → *.example.com (e.g. b.example.com) TCP/80,443",
    ]);
  });

  it("reads *.example.com in the intent as every sub-domain, at any depth, never the name itself", () => {
    const oneLabel = model(
      DNS_PROXY,
      egressByName(`{ matchPattern: "*.example.com" }`, `{ port: "443", protocol: TCP }`),
    );
    expect(summary(verify(oneLabel, intent("*.example.com")))).toEqual([
      "missing shop/api → *.example.com (e.g. b.b.example.com) TCP/443",
    ]);
    const anyDepth = model(
      DNS_PROXY,
      egressByName(`{ matchPattern: "**.example.com" }`, `{ port: "443", protocol: TCP }`),
    );
    expect(summary(verify(anyDepth, intent("*.example.com")))).toEqual([]);
    const apex = model(DNS_PROXY, egressByName(`{ matchName: example.com }`, `{ port: "443", protocol: TCP }`));
    expect(summary(verify(apex, intent("*.example.com")))).toEqual([
      "extra shop/api → example.com TCP/443",
      "missing shop/api → *.example.com (e.g. b.example.com) TCP/443",
    ]);
  });
});

describe("verify: DNS name patterns beyond the witness search's limit", () => {
  it("reports the workload undecidable at the intent path's file:line and keeps verifying the rest", () => {
    const m = model(DNS_PROXY, egressByName(`{ matchPattern: "*a*b*.example.com" }`, `{ port: "443", protocol: TCP }`));
    const i = intent("*.example.com");
    const r = verify(m, i, undefined, { fqdnStateLimit: 5 });
    expect(r.notes.map((n) => [n.kind, n.file, n.line, n.path])).toEqual([["undecidable", "ward.yaml", 3, "out"]]);
    expect(r.notes[0]?.message).toContain("*a*b*.example.com");
    // Without the tiny limit the same patterns are decided: the pattern allows less than the intent.
    expect(verify(m, i).notes).toEqual([]);
  });
});
