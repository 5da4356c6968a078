import { describe, expect, it } from "vitest";
import { modelOf } from "../../../test/support/cluster-fixture.js";
import { computeClassMatrix } from "../matrix/class-matrix.js";
import { workloadMatrix } from "../matrix/workload-matrix.js";
import { reach } from "../reach/reach.js";
import { layeredMatrix } from "./mesh-matrix.js";

// Three replicas of one Deployment, alike for NetworkPolicy (same labels: one pod class); the third opts out of the
// sidecar with the pod annotation sidecar.istio.io/inject=false. Mesh-wide STRICT mTLS rejects the plaintext client
// at the two injected replicas only.
const apiPod = (name: string, ip: string, optOut: boolean) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: app
  labels: {app: api, pod-template-hash: abc}
  annotations: ${optOut ? '{sidecar.istio.io/inject: "false"}' : "{}"}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-abc, uid: u1, controller: true}]
spec:
  containers: [{name: main, image: api, ports: [{containerPort: 80}]}]
status: {podIP: ${ip}, podIPs: [{ip: ${ip}}]}`;

const DOCS = [
  `apiVersion: v1
kind: Namespace
metadata: {name: app, labels: {istio-injection: enabled}}`,
  `apiVersion: v1
kind: Namespace
metadata: {name: plain}`,
  `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}`,
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: app}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: main, image: api, ports: [{containerPort: 80}]}]}`,
  `apiVersion: v1
kind: Pod
metadata: {name: client, namespace: plain, labels: {app: client}}
spec: {containers: [{name: main, image: c}]}
status: {podIP: 10.9.0.1, podIPs: [{ip: 10.9.0.1}]}`,
];

describe("mesh groups: pods of one workload that differ for the mesh", () => {
  const model = modelOf(
    ...DOCS,
    apiPod("api-abc-1", "10.1.0.1", false),
    apiPod("api-abc-2", "10.1.0.2", false),
    apiPod("api-abc-3", "10.1.0.3", true),
  );
  it("are one cluster pod class", () => {
    const classes = computeClassMatrix(model).classes.classOfPod;
    const api = model.pods.flatMap((p, i) => (p.name.startsWith("api-") ? [classes[i]] : []));
    expect(new Set(api).size).toBe(1);
  });
  it("reach evaluates each mesh group: allowed for the un-injected replica only", () => {
    const r = reach(model, { from: "plain/client", to: "app/api", port: 80, protocol: "TCP" });
    expect(r.allowed).toBe(true);
    expect(r.partial).toBe(true);
    const meshVerdicts = r.pairs.map((p) => [p.to, p.mesh?.allowed]);
    expect(meshVerdicts).toContainEqual(["app/api-abc-3", true]);
    expect(meshVerdicts).toContainEqual(["app/api-abc-1", false]);
  });
  it("the matrix is exact too: allowed for some pods (partial), not decided by the first pod", () => {
    const classes = computeClassMatrix(model);
    const cluster = workloadMatrix(model, { port: 80, protocol: "TCP" }, classes);
    const pair = layeredMatrix(model, cluster, "all", undefined, classes).pairs.find(
      (p) => p.from === "plain/client" && p.to === "app/api",
    );
    expect(pair).toMatchObject({ allowed: true, partial: true });
    // All pods injected: STRICT denies the plaintext client everywhere.
    const strict = modelOf(...DOCS, apiPod("api-abc-1", "10.1.0.1", false), apiPod("api-abc-2", "10.1.0.2", false));
    const c2 = computeClassMatrix(strict);
    const denied = layeredMatrix(
      strict,
      workloadMatrix(strict, { port: 80, protocol: "TCP" }, c2),
      "all",
      undefined,
      c2,
    );
    expect(denied.pairs.find((p) => p.from === "plain/client" && p.to === "app/api")).toMatchObject({
      allowed: false,
      deniedBy: "mesh",
    });
  });
});
