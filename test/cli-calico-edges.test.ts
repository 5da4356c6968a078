import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const DIR = "examples/calico-edges";

describe("examples/calico-edges end to end", () => {
  it("matrix: the security tier's Pass/Deny and the default tier's allow-list", () => {
    const r = ward(["matrix", DIR, "--format", "json"]);
    expect(r.code).toBe(0);
    const pairs: { from: string; to: string; allowed: boolean }[] = JSON.parse(r.stdout).pairs;
    const find = (from: string, to: string) => pairs.find((p) => p.from === from && p.to === to)?.allowed;
    expect(find("ingress-nginx/ingress-nginx-controller", "shop/checkout")).toBe(true);
    expect(find("shop/web", "shop/checkout")).toBe(true);
    // PCI isolation: only the ingress controller and web pass the security tier.
    expect(find("shop/db", "shop/checkout")).toBe(false);
    // The security tier passes cluster traffic to the database; the default tier allows only checkout.
    expect(find("shop/checkout", "shop/db")).toBe(true);
    expect(find("shop/web", "shop/db")).toBe(false);
  });

  it("reach --to svc/<ns>/<name>: the Service port resolves to the backend's named target port", () => {
    const r = ward([
      "reach",
      DIR,
      "--from",
      "ingress-nginx/ingress-nginx-controller",
      "--to",
      "svc/shop/checkout",
      "--port",
      "80",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("TCP/9000 (Service port 80)");
    expect(r.stdout).toMatch(
      /NetworkPolicy\.projectcalico\.org shop\/checkout examples\/calico-edges\/calico-policies\.yaml:\d+/,
    );
    const denied = ward(["reach", DIR, "--from", "shop/web", "--to", "svc/shop/db", "--port", "5432"]);
    expect(denied.code).toBe(1);
    expect(denied.stdout).toContain("pass rule hands shop/web");
    expect(denied.stdout).toContain("NetworkPolicy.projectcalico.org shop/db");
    const outside = ward(["reach", DIR, "--from", "198.51.100.7", "--to", "svc/shop/db", "--port", "5432"]);
    expect(outside.code).toBe(1);
    expect(outside.stdout).toContain("deny rule matches");
    expect(outside.stdout).toContain("GlobalNetworkPolicy security.db-never-public");
  });

  it("an unknown Service port is a usage error (exit 2)", () => {
    const r = ward(["reach", DIR, "--from", "shop/web", "--to", "svc/shop/checkout", "--port", "81"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("has no port TCP/81");
  });

  it("exposure lists the entry points with their backends, target ports and verdicts", () => {
    const r = ward(["exposure", DIR, "--format", "json"]);
    expect(r.code).toBe(0);
    const edges: { kind: string; listen: string; backends: { workload: string; port: number; allowed: string }[] }[] =
      JSON.parse(r.stdout).edges;
    const summary = edges.map((e) => [e.kind, e.listen, e.backends.map((b) => `${b.workload}:${b.port}:${b.allowed}`)]);
    expect(summary).toEqual([
      ["LoadBalancer", "LoadBalancer :443/TCP", ["shop/web:8080:yes"]],
      ["NodePort", "NodePort :30432/TCP", ["shop/db:5432:no"]],
      ["Ingress", "Ingress shop.example.com/checkout (TLS)", ["shop/checkout:9000:yes"]],
    ]);
  });

  it("a bad Calico selector names file:line and exits 2", () => {
    const file = join(tmpdir(), `ward-bad-calico-${process.pid}.yaml`);
    writeFileSync(
      file,
      "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: bad\n  namespace: shop\nspec:\n  selector: app == web\n",
    );
    const r = ward(["matrix", file]);
    rmSync(file, { force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:7: spec.selector: bad selector`);
    expect(r.stderr).not.toContain("    at ");
  });
});
