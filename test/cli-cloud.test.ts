import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const TF = "examples/aws-three-tier/terraform";
const DESCRIBE = "examples/aws-three-tier/describe";
const BROKEN_TF = ["--var-file", "examples/aws-three-tier/broken.tfvars"];
const BROKEN_DESCRIBE = "examples/aws-three-tier/describe-broken";
const SHOW = "examples/aws-three-tier/terraform-show";
const BROKEN_SHOW = "examples/aws-three-tier/terraform-show-broken";

type Hop = { step: string; status: string; why: string; refs: { file: string; line: number; path?: string }[] };
type Result = { status: string; allowed: boolean; paths: { from: string; to: string; status: string; hops: Hop[] }[] };

function reach(args: string[]): { code: number; result: Result; stderr: string } {
  const r = ward(["reach", ...args, "--format", "json"]);
  return { code: r.code, result: JSON.parse(r.stdout) as Result, stderr: r.stderr };
}

for (const [label, dir, broken] of [
  ["Terraform", TF, [TF, ...BROKEN_TF]],
  ["describe JSON", DESCRIBE, [BROKEN_DESCRIBE]],
  ["terraform show -json state", SHOW, [BROKEN_SHOW]],
] as const) {
  describe(`examples/aws-three-tier as ${label}`, () => {
    it("internet → ALB on 443 is allowed, by the ALB security group's 0.0.0.0/0 rule", () => {
      const { code, result, stderr } = reach([dir, "--from", "internet", "--to", "web", "--port", "443"]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(result.status).toBe("allow");
      const sg = result.paths[0]?.hops.find((h) => h.step.startsWith("security groups inbound"));
      expect(sg?.status).toBe("allow");
      expect(sg?.why).toContain("0.0.0.0/0");
      expect(sg?.refs[0]?.line).toBeGreaterThan(0);
    });

    it("internet → app on 8080 is denied at the app security group (and it has no public IP)", () => {
      const { code, result } = reach([dir, "--from", "internet", "--to", "app", "--port", "8080"]);
      expect(code).toBe(1);
      expect(result.status).toBe("deny");
      for (const p of result.paths) {
        const denied = p.hops.filter((h) => h.status === "deny").map((h) => h.step);
        expect(denied.some((s) => s.startsWith("security groups inbound of app"))).toBe(true);
        expect(denied).toContain("public address");
      }
    });

    it("app → db on 5432 is allowed both ways when the data NACL has the ephemeral-port rule", () => {
      const { code, result } = reach([dir, "--from", "app", "--to", "db", "--port", "5432"]);
      expect(code).toBe(0);
      expect(result.status).toBe("allow");
      const hops = result.paths[0]?.hops ?? [];
      const back = hops.find((h) => h.step.includes("outbound of subnet data") && h.step.includes("return"));
      expect(back?.status).toBe("allow");
      expect(back?.why).toContain("1024-65535");
    });

    it("app → db on 5432 is allowed in but denied on the return without the ephemeral-port rule", () => {
      const { code, result } = reach([...broken, "--from", "app", "--to", "db", "--port", "5432"]);
      expect(code).toBe(1);
      expect(result.status).toBe("deny");
      for (const p of result.paths) {
        const inbound = p.hops.find((h) => h.step.startsWith("network ACL inbound of subnet data"));
        expect(inbound?.status).toBe("allow");
        const back = p.hops.find((h) => h.step.includes("outbound of subnet data") && h.step.includes("return"));
        expect(back?.status).toBe("deny");
        expect(back?.why).toMatch(/stateless/);
      }
    });

    it("the data subnets have no route to the internet", () => {
      const { code, result } = reach([dir, "--from", "db", "--to", "internet", "--port", "443"]);
      expect(code).toBe(1);
      for (const p of result.paths) {
        const route = p.hops.find((h) => h.step.startsWith("route table of subnet data"));
        expect(route?.status).toBe("deny");
        expect(route?.why).toContain("no route");
      }
    });

    it("egress by name through the Network Firewall in its own subnet: allow-listed passes, another is dropped", () => {
      const ok = reach([dir, "--from", "app-0", "--to", "api.stripe.com", "--port", "443"]);
      expect(ok.code).toBe(0);
      const hops = ok.result.paths[0]?.hops ?? [];
      expect(hops.some((h) => h.step.startsWith("Network Firewall") && h.why.includes(".stripe.com"))).toBe(true);
      const steps = hops.map((h) => h.step);
      expect(steps).toContain("network ACL inbound of subnet firewall (into the firewall's subnet)");
      expect(steps).toContain("network ACL outbound of subnet firewall (return traffic)");
      const bad = reach([dir, "--from", "app-0", "--to", "exfil.example.net", "--port", "443"]);
      expect(bad.code).toBe(1);
      expect(bad.result.paths[0]?.hops.find((h) => h.step.startsWith("Network Firewall"))?.status).toBe("deny");
    });

    it("ward matrix over tiers: internet reaches only web; web → app 8080; app → db 5432", () => {
      const r = ward(["matrix", dir, "--format", "json"]);
      expect(r.code).toBe(0);
      const pairs = (
        JSON.parse(r.stdout) as { pairs: { from: string; to: string; allowed: boolean; ports: string[] }[] }
      ).pairs;
      const allowed = pairs.filter((p) => p.allowed).map((p) => `${p.from}>${p.to}:${p.ports.join(",")}`);
      expect(allowed).toContain("internet>web:TCP/443");
      expect(allowed).toContain("web>app:TCP/8080");
      expect(allowed).toContain("app>db:TCP/5432");
      expect(allowed.filter((a) => a.startsWith("internet>"))).toEqual(["internet>web:TCP/443"]);
    });
  });
}

describe("Terraform specifics", () => {
  it("every hop names the rule's file:line", () => {
    const { result } = reach([TF, "--from", "app", "--to", "db", "--port", "5432"]);
    const refs = result.paths[0]?.hops.flatMap((h) => h.refs) ?? [];
    expect(refs.length).toBeGreaterThan(4);
    for (const r of refs) expect(r.file).toMatch(/examples\/aws-three-tier\/terraform\/\w+\.tf$/);
    expect(refs.some((r) => r.file.endsWith("network.tf") && r.line > 100)).toBe(true);
  });

  it("describe output names the file and JSON path of each rule", () => {
    const { result } = reach([DESCRIBE, "--from", "app", "--to", "db", "--port", "5432"]);
    const sg = result.paths[0]?.hops.find((h) => h.step.startsWith("security groups inbound"));
    expect(sg?.refs[0]?.file).toContain("describe-security-groups.json");
    expect(sg?.refs[0]?.path).toBe("SecurityGroups[2].IpPermissions[0]");
  });

  it("Terraform and describe output together load as separate VPCs, with a warning at the second format", () => {
    const r = ward(["reach", TF, DESCRIBE, "--from", "internet", "--to", "web", "--port", "443"]);
    expect(r.stderr).toMatch(/describe-[a-z-]+\.json:1: .*loaded as separate VPCs/);
    expect(r.stderr).toContain("[separate-vpcs]");
  });

  it("terraform show -json names the file, line and JSON path of each resource", () => {
    const { result } = reach([SHOW, "--from", "app", "--to", "db", "--port", "5432"]);
    const sg = result.paths[0]?.hops.find((h) => h.step.startsWith("security groups outbound"));
    expect(sg?.refs[0]).toMatchObject({
      file: `${SHOW}/state.json`,
      name: "aws_vpc_security_group_egress_rule.app_to_db",
    });
    expect(sg?.refs[0]?.path).toMatch(/^values\.root_module\.resources\[\d+\]$/);
    expect(sg?.refs[0]?.line).toBeGreaterThan(1);
  });

  it("--var overrides a default (the broken variant through --var instead of the tfvars file)", () => {
    const { code } = reach([TF, "--var", "data_return_rule=false", "--from", "app", "--to", "db", "--port", "5432"]);
    expect(code).toBe(1);
  });

  it("--var for an undeclared variable is an input error", () => {
    const r = ward(["reach", TF, "--var", "nope=1", "--from", "app", "--to", "db", "--port", "5432"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("undeclared-variable");
  });

  it("--var without Terraform input is a usage error", () => {
    const r = ward(["reach", DESCRIBE, "--var", "a=1", "--from", "app", "--to", "db", "--port", "5432"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--var");
  });
});

describe("ward exposure on the cloud layer", () => {
  it("lists the ALB as exposed on 443 and counts the controls in front of the database", () => {
    const r = ward(["exposure", TF, "--format", "json"]);
    expect(r.code).toBe(0);
    const list = (
      JSON.parse(r.stdout) as {
        cloud: {
          resource: string;
          depth: number;
          exposed: { protocol: number; ports: number[][] }[];
          behind: { via: string }[];
          controls: { control: string; state: string }[];
        }[];
      }
    ).cloud;
    const web = list.find((e) => e.resource === "web");
    expect(web?.exposed).toEqual([{ protocol: 6, ports: [[443, 443]] }]);
    expect(web?.controls.map((c) => c.control)).toContain("edge/WAF");
    const db = list.find((e) => e.resource === "db");
    expect(db?.exposed).toEqual([]);
    expect(db?.depth).toBe(4);
    const app = list.find((e) => e.resource === "app-0");
    expect(app?.behind.map((b) => b.via)).toEqual(["web"]);
  });

  it("says when a database is one mistake away", () => {
    const r = ward(["exposure", "test/fixtures/terraform/one-mistake"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/db .*1 control blocks the internet — one mistake away/);
  });
});

describe("bad Terraform input → file:line, exit 2", () => {
  for (const [file, code, line] of [
    ["invalid-cidr.tf", "invalid-cidr", 7],
    ["overlapping-subnets.tf", "overlapping-subnets", 10],
    ["unknown-reference.tf", "unknown-reference", 11],
    ["rule-number-clash.tf", "rule-number-clash", 19],
    ["nacl-inline-rule-number.tf", "unsupported-argument", 9],
    ["syntax.tf", "hcl-syntax", 5],
  ] as const)
    it(`${file}: ${code}`, () => {
      const r = ward(["matrix", `test/fixtures/terraform/bad/${file}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`test/fixtures/terraform/bad/${file}:${line}:`);
      expect(r.stderr).toContain(`[${code}]`);
      expect(r.stderr).not.toContain("    at ");
    });
});

describe("paths between VPCs: peering and transit gateway", () => {
  const PEER = "test/fixtures/terraform/peering";

  it("through an active peering connection, with a rule naming the peer VPC's group, both routes explained", () => {
    const { code, result } = reach([PEER, "--from", "app", "--to", "shared", "--port", "443"]);
    expect(code).toBe(0);
    const hops = result.paths[0]?.hops ?? [];
    const out = hops.find((h) => h.step === "route table of subnet app");
    expect(out?.why).toContain("peering connection aws_vpc_peering_connection.app_shared");
    expect(hops.find((h) => h.step === "route table of subnet shared (return route)")?.status).toBe("allow");
    expect(hops.find((h) => h.step === "security groups inbound of shared")?.why).toContain("members of app");
  });

  it("without the peer's return route the path is denied at that route table", () => {
    const { code, result } = reach([
      PEER,
      "--var",
      "shared_return_cidr=10.9.0.0/16",
      "--from",
      "app",
      "--to",
      "shared",
      "--port",
      "443",
    ]);
    expect(code).toBe(1);
    const denied = result.paths[0]?.hops.filter((h) => h.status === "deny").map((h) => h.step);
    expect(denied).toEqual(["route table of subnet shared (return route)"]);
  });

  it("through a transit gateway: its propagated routes both ways; group references do not match across it", () => {
    const ok = reach([PEER, "--from", "app", "--to", "data", "--port", "5432"]);
    expect(ok.code).toBe(0);
    const tgw = ok.result.paths[0]?.hops.filter((h) => h.step.startsWith("transit gateway")) ?? [];
    expect(tgw.map((h) => h.why)).toEqual([
      expect.stringContaining("propagated route 10.3.0.0/16 → aws_ec2_transit_gateway_vpc_attachment.data"),
      expect.stringContaining("propagated route 10.1.0.0/16 → aws_ec2_transit_gateway_vpc_attachment.app"),
    ]);
    const sgRef = reach([PEER, "--from", "app", "--to", "data", "--port", "6379"]);
    expect(sgRef.code).toBe(1);
    expect(sgRef.result.paths[0]?.hops.find((h) => h.status === "deny")?.step).toBe("security groups inbound of data");
    const enabled = reach([
      PEER,
      "--var",
      "tgw_sg_referencing=enable",
      "--from",
      "app",
      "--to",
      "data",
      "--port",
      "6379",
    ]);
    expect(enabled.code).toBe(0);
  });
});
