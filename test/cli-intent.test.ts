import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const tmp = mkdtempSync(join(tmpdir(), "ward-intent-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the payments estate with some files replaced or added. */
function estate(name: string, changes: Record<string, string | null>): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, "policies"), { recursive: true });
  for (const f of ["namespaces.yaml", "services.yaml", "workloads.yaml"])
    writeFileSync(join(dir, f), readFileSync(`examples/payments/${f}`, "utf8"));
  for (const f of [
    "00-default-deny.yaml",
    "10-allow-dns.yaml",
    "20-ingress-to-frontend.yaml",
    "30-frontend-to-backend.yaml",
    "40-backend-to-database.yaml",
    "50-backend-to-payment-gateway.yaml",
    "60-monitoring-scrape.yaml",
  ])
    writeFileSync(join(dir, "policies", f), readFileSync(`examples/payments/policies/${f}`, "utf8"));
  for (const [f, text] of Object.entries(changes)) {
    if (text === null) rmSync(join(dir, f));
    else writeFileSync(join(dir, f), text);
  }
  return dir;
}

const WIDER_GATEWAY = readFileSync("examples/payments/policies/50-backend-to-payment-gateway.yaml", "utf8")
  .replace("cidr: 203.0.113.0/24", "cidr: 203.0.112.0/23")
  .replace("port: 443", "port: 443\n        - protocol: TCP\n          port: 8443");

describe("ward verify", () => {
  it("proves the payments policies equal to the payments intent (exit 0)", () => {
    const r = ward(["verify", "examples/payments/ward.yaml", "examples/payments"]);
    expect(r.stderr).not.toContain("error");
    expect(r.stdout).toContain("OK: the configuration allows exactly what the intent allows.");
    expect(r.code).toBe(0);
  });

  it("names the denying policies of an intended path and the allowing rule of an unintended one (exit 1)", () => {
    const dir = estate("drifted", {
      "policies/40-backend-to-database.yaml": null,
      "policies/50-backend-to-payment-gateway.yaml": WIDER_GATEWAY,
    });
    const r = ward(["verify", "examples/payments/ward.yaml", dir, "--format", "json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      differences: {
        kind: string;
        from: string;
        to: string;
        ports: string[];
        samples: { decidedBy: { name?: string; line?: number }[] }[];
      }[];
    };
    expect(out.ok).toBe(false);
    const summary = out.differences.map((d) => `${d.kind} ${d.from} -> ${d.to} ${d.ports.join(" ")}`);
    expect(summary).toEqual([
      "extra payments/backend -> 203.0.112.0/24 TCP/443 TCP/8443",
      "extra payments/backend -> 203.0.113.0/24 TCP/8443",
      "missing payments/backend -> payments/database TCP/80",
    ]);
    const missing = out.differences.find((d) => d.kind === "missing");
    expect(missing?.samples[0]?.decidedBy.map((d) => d.name)).toContain("default-deny-all");
    const extra = out.differences[0];
    expect(extra?.samples[0]?.decidedBy).toEqual([
      expect.objectContaining({ name: "backend-egress-to-payment-gateway", line: 14 }),
    ]);
  });

  it("reports an FQDN path NetworkPolicy cannot allow as denied, and an unknown workload as a difference", () => {
    const intent = join(tmp, "fqdn.yaml");
    writeFileSync(
      intent,
      `namespaces: [payments]
paths:
  - from: payments/backend
    to: { fqdn: api.stripe.com }
    ports: [443]
  - from: payments/ghost
    to: payments/backend
    ports: [80]
`,
    );
    const r = ward(["verify", intent, "examples/payments"]);
    expect(r.code).toBe(1);
    // NetworkPolicy has no DNS names: only an ipBlock holding every public address would allow the name.
    expect(r.stdout).toContain(
      "payments/backend → api.stripe.com on TCP/443: the intent allows it (payments/backend → api.stripe.com), the configuration denies it",
    );
    expect(r.stdout).toContain(
      "NetworkPolicy payments/default-deny-all (examples/payments/policies/00-default-deny.yaml:2): egress from payments/backend denied",
    );
    expect(r.stdout).toContain(
      `${intent}:6: payments/ghost → payments/backend: no workload in the configuration matches payments/ghost`,
    );
  });

  it("rejects a bad intent with file:line and exit 2, no stack trace", () => {
    const intent = join(tmp, "bad.yaml");
    writeFileSync(intent, "paths:\n  - from: payments/frontend\n    to: { cidr: 10.0.0.999/8 }\n    ports: [80]\n");
    const r = ward(["verify", intent, "examples/payments"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${intent}:3: paths[0].to.cidr: invalid CIDR "10.0.0.999/8" [invalid-cidr]`);
    expect(r.stderr).not.toContain("    at ");
  });
});

describe("ward generate --from-intent", () => {
  it("writes NetworkPolicies that verify against the intent with zero differences", () => {
    const gen = ward([
      "generate",
      "--from-intent",
      "examples/payments/ward.yaml",
      "examples/payments/workloads.yaml",
      "examples/payments/namespaces.yaml",
    ]);
    expect(gen.code).toBe(0);
    expect(gen.stderr).toBe("");
    const file = join(tmp, "generated.yaml");
    writeFileSync(file, gen.stdout);
    // Named ports where the destination names the port; DNS to kube-dns in every governed namespace.
    expect(gen.stdout).toContain("port: http");
    expect(gen.stdout.match(/name: allow-dns\n/g)).toHaveLength(2);
    const r = ward([
      "verify",
      "examples/payments/ward.yaml",
      file,
      "examples/payments/workloads.yaml",
      "examples/payments/namespaces.yaml",
    ]);
    expect(r.stdout).toContain("OK");
    expect(r.code).toBe(0);
  });
});

describe("ward generate --from-intent --target cilium", () => {
  it("writes CiliumNetworkPolicies that Ward evaluates and verifies against the intent with zero differences", () => {
    const inputs = ["examples/payments/workloads.yaml", "examples/payments/namespaces.yaml"];
    const gen = ward(["generate", "--from-intent", "examples/payments/ward.yaml", "--target", "cilium", ...inputs]);
    expect(gen.code).toBe(0);
    const file = join(tmp, "cilium.yaml");
    writeFileSync(file, gen.stdout);
    const loaded = ward(["-v", "matrix", file, ...inputs]);
    expect(loaded.stderr).toContain("12 policies");
    const r = ward(["verify", "examples/payments/ward.yaml", file, ...inputs]);
    expect(r.stdout).toContain("OK");
    expect(r.code).toBe(0);
  });
});

describe("ward generate --target cilium with egress by DNS name", () => {
  it("round-trips FQDN paths (a name and a wildcard) through verify, and catches a one-label pattern", () => {
    const intent = join(tmp, "fqdn-intent.yaml");
    writeFileSync(
      intent,
      `${readFileSync("examples/payments/ward.yaml", "utf8")}  - name: stripe
    from: backend
    to: { fqdn: api.stripe.com }
    ports: [443]
  - name: buckets
    from: backend
    to: { fqdn: "*.s3.amazonaws.com" }
    ports: [443]
`,
    );
    const inputs = ["examples/payments/workloads.yaml", "examples/payments/namespaces.yaml"];
    const gen = ward(["generate", "--from-intent", intent, "--target", "cilium", ...inputs]);
    expect(gen.code).toBe(0);
    expect(gen.stdout).toContain('matchPattern: "**.s3.amazonaws.com"');
    const file = join(tmp, "cilium-fqdn.yaml");
    writeFileSync(file, gen.stdout);
    const ok = ward(["verify", intent, file, ...inputs]);
    expect(ok.stdout).toContain("OK: the configuration allows exactly what the intent allows.");
    expect(ok.code).toBe(0);
    // Cilium's "*." matches one label: a.b.s3.amazonaws.com, a sub-domain the intent allows, is then denied.
    const narrow = join(tmp, "cilium-fqdn-narrow.yaml");
    writeFileSync(narrow, gen.stdout.replace('"**.s3.amazonaws.com"', '"*.s3.amazonaws.com"'));
    const r = ward(["verify", intent, narrow, ...inputs]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /payments\/backend → \*\.s3\.amazonaws\.com \(e\.g\. \w+\.\w+\.s3\.amazonaws\.com\) on TCP\/443: the intent allows it \(buckets\), the configuration denies it/,
    );
  });
});

describe("ward diff", () => {
  it("lists added and removed connections with the rules responsible (exit 1), nothing for equal configs (exit 0)", () => {
    const dir = estate("diff-new", {
      "policies/40-backend-to-database.yaml": null,
      "policies/50-backend-to-payment-gateway.yaml": WIDER_GATEWAY,
    });
    const r = ward(["diff", "examples/payments", dir, "--format", "json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { entries: { kind: string; from: string; to: string; ports: string[] }[] };
    expect(out.entries.map((e) => `${e.kind} ${e.from} -> ${e.to} ${e.ports.join(" ")}`)).toEqual([
      "added payments/backend -> 203.0.112.0/24 TCP/443 TCP/8443",
      "added payments/backend -> 203.0.113.0/24 TCP/8443",
      "removed payments/backend -> payments/database TCP/80",
    ]);
    const md = ward(["diff", "examples/payments", dir, "--format", "md"]);
    expect(md.stdout).toContain("| ➖ | `payments/backend` | `payments/database` | TCP/80 |");
    const same = ward(["diff", "examples/payments", "examples/payments"]);
    expect(same.stdout).toBe("No change in allowed connectivity.\n");
    expect(same.code).toBe(0);
  });
});

describe("ward blast-radius and ward exposure", () => {
  it("follows allowed connections transitively, with each hop's ports and allowing rules, and stops at --hops", () => {
    const r = ward(["blast-radius", "examples/payments", "--from", "payments/frontend", "--format", "json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      reached: {
        kind: string;
        target: string;
        hops: number;
        path: {
          from: string;
          to: string;
          ports: string[];
          allowedBy: { name?: string; file?: string; line?: number }[];
        }[];
      }[];
    };
    const db = out.reached.find((x) => x.target === "payments/database");
    expect(db?.hops).toBe(2);
    expect(db?.path.map(({ from, to, ports }) => ({ from, to, ports }))).toEqual([
      { from: "payments/frontend", to: "payments/backend", ports: ["TCP/80"] },
      { from: "payments/backend", to: "payments/database", ports: ["TCP/80"] },
    ]);
    // Each hop names the rules that allow it: the egress rule of one end and the ingress rule of the other.
    const rules = (i: number) => db?.path[i]?.allowedBy.map((d) => `${d.name} ${d.file}:${d.line}`);
    expect(rules(0)).toEqual([
      "frontend-egress-to-backend examples/payments/policies/30-frontend-to-backend.yaml:15",
      "backend-ingress-from-frontend examples/payments/policies/30-frontend-to-backend.yaml:35",
    ]);
    expect(rules(1)).toEqual([
      "backend-egress-to-database examples/payments/policies/40-backend-to-database.yaml:14",
      "database-ingress-from-backend examples/payments/policies/40-backend-to-database.yaml:34",
    ]);
    const gateway = out.reached.find((x) => x.target === "203.0.113.0/24");
    expect(gateway?.hops).toBe(2);
    expect(gateway?.path[1]?.allowedBy.map((d) => `${d.name} ${d.line}`)).toEqual([
      "backend-egress-to-payment-gateway 14",
    ]);
    const text = ward(["blast-radius", "examples/payments", "--from", "payments/frontend"]).stdout;
    expect(text).toContain(
      "payments/backend → payments/database allowed by: NetworkPolicy payments/backend-egress-to-database (examples/payments/policies/40-backend-to-database.yaml:14); NetworkPolicy payments/database-ingress-from-backend (examples/payments/policies/40-backend-to-database.yaml:34)",
    );
    const one = JSON.parse(
      ward(["blast-radius", "examples/payments", "--from", "payments/frontend", "--hops", "1", "--format", "json"])
        .stdout,
    ) as {
      reached: { target: string }[];
    };
    expect(one.reached.map((x) => x.target).sort()).toEqual(["kube-system/coredns", "payments/backend"]);
    expect(ward(["blast-radius", "examples/payments", "--from", "payments/nope"]).code).toBe(2);
  });

  it("shows who reaches each workload from outside its namespace, with the allowing rules", () => {
    const r = ward(["exposure", "examples/payments", "--format", "json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      workloads: {
        workload: string;
        sources: { kind: string; from: string; ports: string[]; allowedBy: { name?: string }[] }[];
      }[];
    };
    const frontend = out.workloads.find((w) => w.workload === "payments/frontend");
    expect(frontend?.sources.map((s) => `${s.from} ${s.ports.join(" ")}`)).toEqual([
      "ingress-nginx/ingress-nginx-controller TCP/80",
      "monitoring/prometheus TCP/9090",
    ]);
    expect(frontend?.sources[0]?.allowedBy.map((d) => d.name)).toContain("allow-ingress-to-frontend");
    const nginx = out.workloads.find((w) => w.workload === "ingress-nginx/ingress-nginx-controller");
    expect(nginx?.sources.filter((s) => s.kind === "external").map((s) => s.from)).toEqual(["::/0", "0.0.0.0/0"]);
  });
});

describe("ward generate --from-flows", () => {
  it("audits real-format Hubble flows: what default-deny would break, DNS kept", () => {
    const r = ward([
      "generate",
      "--from-flows",
      "test/fixtures/flows/hubble-payments.json",
      "--cluster",
      "examples/payments",
      "--mode",
      "audit",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Would be denied (8) until relaxed:");
    expect(r.stdout).toContain("payments/frontend → payments/backend: TCP/80 (2 flows");
    expect(r.stdout).toContain("Kept by the DNS rule (3):");
  });

  it("enforces exactly the observed traffic: the generated policies allow it and deny the rest", () => {
    const r = ward([
      "generate",
      "--from-flows",
      "test/fixtures/flows/hubble-payments.json",
      "--cluster",
      "examples/payments/workloads.yaml",
      "examples/payments/namespaces.yaml",
    ]);
    expect(r.code).toBe(0);
    const file = join(tmp, "from-flows.yaml");
    writeFileSync(file, r.stdout);
    const m = ward([
      "matrix",
      file,
      "examples/payments/workloads.yaml",
      "examples/payments/namespaces.yaml",
      "--format",
      "json",
    ]);
    const pairs = (
      JSON.parse(m.stdout) as {
        pairs: { from: string; to: string; ports: string[]; loopback?: boolean; allowed: boolean }[];
      }
    ).pairs;
    const allowed = pairs
      .filter((p) => p.allowed && !p.loopback && p.from !== "kube-system/coredns")
      .map((p) => `${p.from} -> ${p.to} ${p.ports.join(" ")}`);
    expect(allowed.sort()).toEqual(
      [
        "ingress-nginx/ingress-nginx-controller -> kube-system/coredns TCP/53 UDP/53",
        "ingress-nginx/ingress-nginx-controller -> payments/frontend TCP/80",
        "monitoring/prometheus -> kube-system/coredns TCP/53 UDP/53",
        "monitoring/prometheus -> payments/backend TCP/9090",
        "monitoring/prometheus -> payments/database TCP/9090",
        "monitoring/prometheus -> payments/frontend TCP/9090",
        "payments/backend -> kube-system/coredns TCP/53 UDP/53",
        "payments/backend -> payments/database TCP/80",
        "payments/database -> kube-system/coredns TCP/53 UDP/53",
        "payments/frontend -> kube-system/coredns TCP/53 UDP/53",
        "payments/frontend -> payments/backend TCP/80",
      ].sort(),
    );
  });

  it("reads VPC flow logs v2 and names a bad line with file:line (exit 2)", () => {
    const ok = ward([
      "generate",
      "--from-flows",
      "test/fixtures/flows/vpc-flow-logs-v2.log",
      "--cluster",
      "test/fixtures/flows/vpc-cluster.yaml",
      "--mode",
      "relax",
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("name: api-to-shop-postgres");
    const bad = join(tmp, "bad.log");
    writeFileSync(
      bad,
      "2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 80 99 1 1 1 2 ACCEPT OK\n2 1 eni-1 10.0.0.1 nope 1 80 6 1 1 1 2 ACCEPT OK\n",
    );
    const r = ward(["generate", "--from-flows", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2: invalid dstaddr "nope" [invalid-flow]`);
  });
});

describe("ward verify at the mesh layer", () => {
  /** A copy of an example estate with some files replaced. */
  function copy(example: string, name: string, changes: Record<string, string>): string {
    const dir = join(tmp, name);
    cpSync(`examples/${example}`, dir, { recursive: true });
    for (const [f, text] of Object.entries(changes)) writeFileSync(join(dir, f), text);
    return dir;
  }

  it("proves the payments-istio NetworkPolicies and AuthorizationPolicies equal to its intent (exit 0)", () => {
    const r = ward(["verify", "examples/payments-istio/ward.yaml", "examples/payments-istio"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("at the cluster and mesh layers");
    expect(r.stdout).toContain("OK: the configuration allows exactly what the intent allows.");
    expect(r.code).toBe(0);
  });

  it("proves the payments-linkerd Servers, HTTPRoutes and AuthorizationPolicies equal to its intent (exit 0)", () => {
    const r = ward(["verify", "examples/payments-linkerd/ward.yaml", "examples/payments-linkerd"]);
    expect(r.stdout).toContain("OK: the configuration allows exactly what the intent allows.");
    expect(r.code).toBe(0);
  });

  it("an AuthorizationPolicy admitting an extra method: exit 1, naming the allowing rule's file:line", () => {
    const file = "istio/10-backend-authz.yaml";
    const text = readFileSync(`examples/payments-istio/${file}`, "utf8");
    const dir = copy("payments-istio", "istio-extra-method", {
      [file]: text.replace('methods: ["GET", "POST"]', 'methods: ["GET", "POST", "DELETE"]'),
    });
    const ruleLine = text.split("\n").indexOf("    - from:") + 1;
    const r = ward(["verify", "examples/payments-istio/ward.yaml", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "payments/frontend → payments/backend on TCP/80: the mesh allows DELETE /api/v1/payments/x with its own identity cluster.local/ns/payments/sa/frontend, the intent does not",
    );
    expect(r.stdout).toContain(`AuthorizationPolicy payments/backend-allow (${join(dir, file)}:${ruleLine})`);
    expect(r.stdout).toContain("1 difference: 0 denied paths, 1 unintended path.");
  });

  it("a Linkerd route matched by RegularExpression is reported undecidable with the route's file:line (exit 1)", () => {
    const file = "linkerd/10-backend-servers.yaml";
    const dir = copy("payments-linkerd", "linkerd-regex", {
      [file]: readFileSync(`examples/payments-linkerd/${file}`, "utf8").replace(
        "path: {type: PathPrefix, value: /api/v1/payments}",
        'path: {type: RegularExpression, value: "/api/v1/payments/.*"}',
      ),
    });
    const r = ward(["verify", "examples/payments-linkerd/ward.yaml", dir, "--format", "json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; notes: { kind: string; path: string; message: string }[] };
    expect(out.ok).toBe(false);
    const note = out.notes.find((n) => n.kind === "undecidable");
    expect(note?.path).toBe("payments API");
    expect(note?.message).toMatch(
      /RegularExpression .* \(.*10-backend-servers\.yaml:\d+\)|10-backend-servers\.yaml:\d+\) matches paths by RegularExpression/,
    );
  });

  it("generate --target istio (with the networkpolicy base) round-trips through verify via the CLI", () => {
    const inputs = [
      "examples/payments-istio/workloads.yaml",
      "examples/payments-istio/namespaces.yaml",
      "examples/payments-istio/services.yaml",
      "examples/payments-istio/istio/00-mesh-strict-mtls.yaml",
    ];
    const intent = "examples/payments-istio/ward.yaml";
    const files = (["networkpolicy", "istio"] as const).map((target) => {
      const gen = ward(["generate", "--from-intent", intent, "--target", target, ...inputs]);
      expect(gen.code).toBe(0);
      const file = join(tmp, `generated-${target}.yaml`);
      writeFileSync(file, gen.stdout);
      return file;
    });
    expect(readFileSync(files[1] as string, "utf8")).toContain("- /api/v1/payments/*");
    const r = ward(["verify", intent, ...files, ...inputs]);
    expect(r.stdout).toContain("OK: the configuration allows exactly what the intent allows.");
    expect(r.code).toBe(0);
    // Without the AuthorizationPolicies the mesh admits every method and path to the backend: exit 1.
    const open = ward(["verify", intent, files[0] as string, ...inputs]);
    expect(open.code).toBe(1);
    expect(open.stdout).toContain("the mesh allows");
  });
});
