import { describe, expect, it } from "vitest";
import { modelOf } from "../../../../test/support/cluster-fixture.js";
import { runAudit } from "../run-audit.js";
import { notServed } from "./mesh-api-kinds.js";

const obj = (apiVersion: string, kind: string, name: string, spec = "{}") =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: shop\nspec: ${spec}`;

async function audit(...docs: string[]) {
  return (await runAudit(modelOf(...docs), { rules: ["WARD-MESH-006"] })).findings;
}

describe("WARD-MESH-006 mesh resource of a kind or version the mesh does not serve", () => {
  it("reports a made-up Linkerd kind, an Istio kind under a version its group does not serve, and a removed group", async () => {
    const f = await audit(
      obj("policy.linkerd.io/v1beta1", "FooPolicy", "foo"),
      obj("security.istio.io/v1alpha3", "AuthorizationPolicy", "allow-web", "{action: ALLOW, rules: [{}]}"),
      obj("authentication.istio.io/v1alpha1", "Policy", "mtls"),
    );
    expect(f.map((x) => [x.subject.kind, x.subject.name, x.subject.line, x.message])).toEqual([
      [
        "FooPolicy",
        "foo",
        1,
        expect.stringMatching(/^policy\.linkerd\.io\/v1beta1 FooPolicy foo: .*has no kind FooPolicy/),
      ],
      [
        "AuthorizationPolicy",
        "allow-web",
        8,
        "security.istio.io/v1alpha3 AuthorizationPolicy allow-web: security.istio.io serves AuthorizationPolicy as v1beta1, v1, not v1alpha3",
      ],
      ["Policy", "mtls", 15, expect.stringContaining("removed in Istio 1.6")],
    ]);
  });
  it("names the group that serves a kind written under the wrong group", () => {
    expect(notServed("networking.istio.io/v1", "PeerAuthentication")).toBe(
      "networking.istio.io has no kind PeerAuthentication (PeerAuthentication is served as security.istio.io/v1)",
    );
  });
  it("is quiet for served kinds and versions, and for groups Ward has no list for", async () => {
    const f = await audit(
      obj("security.istio.io/v1", "AuthorizationPolicy", "a", "{action: ALLOW, rules: [{}]}"),
      obj("networking.istio.io/v1alpha3", "EnvoyFilter", "b"),
      obj("policy.linkerd.io/v1beta3", "Server", "c", "{podSelector: {}, port: 80}"),
      obj("policy.linkerd.io/v1alpha1", "MeshTLSAuthentication", "d", "{identities: ['*']}"),
      obj("linkerd.io/v1alpha2", "ServiceProfile", "e"),
      obj("tap.linkerd.io/v1alpha1", "Tap", "f"),
      obj("example.com/v1", "FooPolicy", "g"),
    );
    expect(f).toEqual([]);
  });
});
