import { describe, expect, it } from "vitest";
import { modelOf } from "../../../test/support/cluster-fixture.js";
import { reach } from "../../analyze/reach/reach.js";

const DOCS = `apiVersion: v1
kind: Namespace
metadata: {name: app, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: app, labels: {app: api}}
spec: {serviceAccountName: api, containers: [{name: main, image: api, ports: [{containerPort: 80}]}]}
status: {podIP: 10.1.0.1, podIPs: [{ip: 10.1.0.1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: app, labels: {app: web}}
spec: {serviceAccountName: web, containers: [{name: main, image: web}]}
status: {podIP: 10.1.0.2, podIPs: [{ip: 10.1.0.2}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: waypoint-deny, namespace: app}
spec:
  targetRefs: [{kind: Service, group: "", name: api}]
  action: DENY
  rules: [{}]`;

describe("Istio AuthorizationPolicy with targetRefs", () => {
  it("is reported as not evaluated, with its file:line, and sidecars do not enforce it", () => {
    const m = modelOf(DOCS);
    const w = m.warnings.find((x) => x.code === "not-evaluated");
    expect(w).toMatchObject({ file: "test.yaml", line: 21 });
    expect(w?.message).toMatch(/Service\/api/);
    const r = reach(m, { from: "app/web", to: "app/api", port: 80, protocol: "TCP" });
    expect(r.pairs[0]?.mesh?.allowed).toBe(true);
  });
});
