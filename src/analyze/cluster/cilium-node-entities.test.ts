import { describe, expect, it } from "vitest";
import { allowed, modelOf, namespace, pod } from "../../../test/support/cluster-fixture.js";
import type { Model } from "../../model/model.js";
import { reach } from "../reach/reach.js";

// docs.cilium.io "Entities Based": host = the local host of the selected endpoint, remote-node = any other node of
// the cluster, cluster = everything inside the cluster (nodes included), world = everything outside it, all = both.

const node = (name: string, internal: string, external: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
status:
  addresses:
    - type: InternalIP
      address: ${internal}
    - type: ExternalIP
      address: ${external}
    - type: Hostname
      address: ${name}`;

const nodes = [node("node-a", "10.0.0.1", "198.51.100.1"), node("node-b", "10.0.0.2", "198.51.100.2")];

const base = (nodeName = "node-a") => [
  namespace("a"),
  namespace("b"),
  pod("a", "web", { app: "web" }, nodeName === "" ? "" : `  nodeName: ${nodeName}\n`),
  pod("b", "client", { app: "client" }, "  nodeName: node-b\n"),
];

const cnp = (name: string, body: string) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: ${name}
  namespace: a
spec:
  endpointSelector:
    matchLabels:
      app: web
${body}`;

const fromEntities = (...entities: string[]) => cnp("p", `  ingress:\n    - fromEntities: [${entities.join(", ")}]\n`);

const inbound = (m: Model, from: string, port = 80) => reach(m, { from, to: "a/web", port, protocol: "TCP" }).allowed;

describe("Cilium entities with Node objects", () => {
  it("host matches the addresses of the node the selected pod runs on, and only those", () => {
    const m = modelOf(...base(), ...nodes, fromEntities("host"));
    expect(inbound(m, "10.0.0.1")).toBe(true);
    expect(inbound(m, "198.51.100.1")).toBe(true);
    expect(inbound(m, "10.0.0.2")).toBe(false);
    expect(inbound(m, "203.0.113.7")).toBe(false);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
  });

  it("remote-node matches the other nodes' addresses, not the pod's own node", () => {
    const m = modelOf(...base(), ...nodes, fromEntities("remote-node"));
    expect(inbound(m, "10.0.0.2")).toBe(true);
    expect(inbound(m, "198.51.100.2")).toBe(true);
    expect(inbound(m, "10.0.0.1")).toBe(false);
    expect(inbound(m, "203.0.113.7")).toBe(false);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
  });

  it("world does not match a node's address; a range holding one is allowed only in part", () => {
    const m = modelOf(...base(), ...nodes, fromEntities("world"));
    expect(inbound(m, "10.0.0.1")).toBe(false);
    expect(inbound(m, "198.51.100.2")).toBe(false);
    expect(inbound(m, "203.0.113.7")).toBe(true);
    expect(inbound(m, "10.0.0.3")).toBe(true);
    expect(inbound(m, "10.0.0.0/30")).toBe(false);
  });

  it("cluster matches pods and every node, not the world; all matches both", () => {
    const c = modelOf(...base(), ...nodes, fromEntities("cluster"));
    expect(allowed(c, "b/client", "a/web", 80)).toBe(true);
    expect(inbound(c, "10.0.0.1")).toBe(true);
    expect(inbound(c, "10.0.0.2")).toBe(true);
    expect(inbound(c, "203.0.113.7")).toBe(false);
    const all = modelOf(...base(), ...nodes, fromEntities("all"));
    expect(inbound(all, "10.0.0.2")).toBe(true);
    expect(inbound(all, "203.0.113.7")).toBe(true);
    expect(allowed(all, "b/client", "a/web", 80)).toBe(true);
  });

  it("toEntities host decides egress from the pod to its own node", () => {
    const m = modelOf(...base(), ...nodes, cnp("p", "  egress:\n    - toEntities: [host]\n"));
    const out = (to: string) => reach(m, { from: "a/web", to, port: 10250, protocol: "TCP" }).allowed;
    expect(out("10.0.0.1")).toBe(true);
    expect(out("10.0.0.2")).toBe(false);
  });

  it("a CIDR rule does not select a node's address (policy-cidr-match-mode defaults to none)", () => {
    const m = modelOf(...base(), ...nodes, cnp("p", "  ingress:\n    - fromCIDR: [10.0.0.0/24]\n"));
    expect(inbound(m, "10.0.0.1")).toBe(false);
    expect(inbound(m, "10.0.0.9")).toBe(true);
  });

  it("a NetworkPolicy ipBlock still matches a node's address", () => {
    const np = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p
  namespace: a
spec:
  podSelector: {}
  ingress:
    - from:
        - ipBlock:
            cidr: 10.0.0.0/24`;
    expect(inbound(modelOf(...base(), ...nodes, np), "10.0.0.1")).toBe(true);
  });

  it("without the pod's spec.nodeName, host and remote-node are undecidable: no match, and the reason says so", () => {
    const m = modelOf(...base(""), ...nodes, fromEntities("host", "remote-node"));
    const r = reach(m, { from: "10.0.0.1", to: "a/web", port: 80, protocol: "TCP" });
    expect(r.allowed).toBe(false);
    expect(JSON.stringify(r.verdict)).toContain("undecidable: the pod's node is not in the input");
    // cluster needs no node of the pod.
    expect(inbound(modelOf(...base(""), ...nodes, fromEntities("cluster")), "10.0.0.1")).toBe(true);
  });

  it("without Node objects, host and remote-node match nothing and warn; kube-apiserver always warns", () => {
    const m = modelOf(...base(), fromEntities("host", "remote-node", "kube-apiserver"));
    expect(inbound(m, "10.0.0.1")).toBe(false);
    const codes = m.warnings.map((w) => w.code);
    expect(codes.filter((c) => c === "node-entity-not-evaluated")).toHaveLength(2);
    expect(codes).toContain("entity-not-evaluated");
    const withNodes = modelOf(...base(), ...nodes, fromEntities("host", "kube-apiserver"));
    expect(withNodes.warnings.map((w) => w.code)).not.toContain("node-entity-not-evaluated");
    expect(inbound(withNodes, "10.0.0.1")).toBe(true);
  });
});
