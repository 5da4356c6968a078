import { describe, expect, it } from "vitest";
import { modelOf, namespace, pod } from "../../../../test/support/cluster-fixture.js";
import type { Model } from "../../../model/model.js";
import { runAudit } from "../run-audit.js";

async function audit(model: Model, id: string) {
  return (await runAudit(model, { rules: [id] })).findings;
}

const meshedNs = namespace("shop", { "istio-injection": "enabled" });
const web = pod("shop", "web", { app: "web" }, "      ports:\n        - containerPort: 8080");
const pa = (ns: string, mode: string, name = "default") =>
  `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  mtls:\n    mode: ${mode}`;
const authz = (spec: string) =>
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: api\n  namespace: shop\nspec:\n${spec}`;

describe("WARD-MESH-001 meshed port without STRICT", () => {
  it("reports a namespace PERMISSIVE override under a STRICT mesh, naming the PeerAuthentication", async () => {
    const f = await audit(
      modelOf(meshedNs, web, pa("istio-system", "STRICT"), pa("shop", "PERMISSIVE")),
      "WARD-MESH-001",
    );
    expect(f).toHaveLength(1);
    expect(f[0]?.subject).toMatchObject({ kind: "PeerAuthentication", namespace: "shop" });
    expect(f[0]?.message).toContain("PERMISSIVE");
  });
  it("reports Istio's PERMISSIVE default when nothing is set", async () => {
    expect(await audit(modelOf(meshedNs, web), "WARD-MESH-001")).toHaveLength(1);
  });
  it("is quiet under mesh-wide STRICT, and for pods without a sidecar", async () => {
    expect(await audit(modelOf(meshedNs, web, pa("istio-system", "STRICT")), "WARD-MESH-001")).toEqual([]);
    expect(await audit(modelOf(namespace("shop"), web), "WARD-MESH-001")).toEqual([]);
  });
});

describe("WARD-MESH-002 no mesh-wide STRICT", () => {
  it("reports a mesh with only namespace STRICT", async () => {
    expect(await audit(modelOf(meshedNs, web, pa("shop", "STRICT")), "WARD-MESH-002")).toHaveLength(1);
  });
  it("is quiet with mesh-wide STRICT, and when Istio is not used", async () => {
    expect(await audit(modelOf(meshedNs, web, pa("istio-system", "STRICT")), "WARD-MESH-002")).toEqual([]);
    expect(await audit(modelOf(namespace("shop"), web), "WARD-MESH-002")).toEqual([]);
  });
});

describe("WARD-MESH-003 ALLOW with no rules", () => {
  it("reports ALLOW without rules, not ALLOW with an empty rule (allow-all)", async () => {
    expect(await audit(modelOf(meshedNs, web, authz("  action: ALLOW")), "WARD-MESH-003")).toHaveLength(1);
    expect(await audit(modelOf(meshedNs, web, authz("  action: ALLOW\n  rules:\n    - {}")), "WARD-MESH-003")).toEqual(
      [],
    );
  });
});

describe("WARD-MESH-004 principals of un-meshed sources", () => {
  const client = (ns: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: client\n  namespace: ${ns}\nspec:\n  serviceAccountName: client\n  containers:\n    - name: main\n      image: app`;
  const rule =
    "  action: ALLOW\n  rules:\n    - from:\n        - source:\n            principals: [cluster.local/ns/legacy/sa/client]";
  it("reports a principal whose pods have no sidecar", async () => {
    const f = await audit(modelOf(meshedNs, web, namespace("legacy"), client("legacy"), authz(rule)), "WARD-MESH-004");
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain("cluster.local/ns/legacy/sa/client");
  });
  it("is quiet when the client is meshed", async () => {
    const m = modelOf(
      meshedNs,
      web,
      namespace("legacy", { "istio-injection": "enabled" }),
      client("legacy"),
      authz(rule),
    );
    expect(await audit(m, "WARD-MESH-004")).toEqual([]);
  });
});
