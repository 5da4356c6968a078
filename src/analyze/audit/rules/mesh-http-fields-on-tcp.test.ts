import { describe, expect, it } from "vitest";
import { modelOf, namespace, pod } from "../../../../test/support/cluster-fixture.js";
import { runAudit } from "../run-audit.js";

const meshed = namespace("shop", { "istio-injection": "enabled" });
const db = pod("shop", "db", { app: "db" }, "      ports:\n        - containerPort: 5432");
const svc = (portName: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  selector:\n    app: db\n  ports:\n    - name: ${portName}\n      port: 5432\n      targetPort: 5432`;
const authz = (action: string, to: string) =>
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: db\n  action: ${action}\n  rules:\n    - from:\n        - source:\n            namespaces: ["shop"]\n      to:\n        - operation:\n${to}`;
const methods = '            methods: ["GET"]';
const ports = '            ports: ["5432"]';

async function audit(...docs: string[]) {
  return (await runAudit(modelOf(...docs), { rules: ["WARD-MESH-005"] })).findings;
}

describe("WARD-MESH-005 HTTP-only fields on a TCP port", () => {
  it("reports an ALLOW rule with methods on a port named tcp-: ignored", async () => {
    const f = await audit(meshed, db, svc("tcp-postgres"), authz("ALLOW", methods));
    expect(f.map((x) => x.message)).toEqual([
      expect.stringMatching(/shop\/db rule 1 .*TCP port 5432 .*port name "tcp-postgres".*ALLOW rule is ignored/),
    ]);
  });
  it("reports a DENY rule with methods on a TCP port: it denies all its other fields match", async () => {
    const f = await audit(meshed, db, svc("tcp-postgres"), authz("DENY", methods));
    expect(f[0]?.message).toContain("denies every connection");
  });
  it("is quiet on an HTTP port, on a sniffed port, for rules without HTTP fields, and without a sidecar", async () => {
    expect(await audit(meshed, db, svc("http-api"), authz("ALLOW", methods))).toEqual([]);
    expect(await audit(meshed, db, svc("postgres"), authz("ALLOW", methods))).toEqual([]);
    expect(await audit(meshed, db, svc("tcp-postgres"), authz("ALLOW", ports))).toEqual([]);
    expect(await audit(namespace("shop"), db, svc("tcp-postgres"), authz("ALLOW", methods))).toEqual([]);
  });
});
