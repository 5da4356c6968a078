import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

type Finding = {
  rule: string;
  subject: { kind: string; name: string; file: string; line: number; path?: string };
  message: string;
};

/** `ward audit DIR --rule ID --format json`: the findings, each as "file:line message". */
function audit(dir: string, rule: string): { code: number; findings: Finding[]; at: string[] } {
  const r = ward(["audit", dir, "--rule", rule, "--format", "json"]);
  expect(r.stderr).toBe("");
  const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
  return { code: r.code, findings, at: findings.map((f) => `${f.subject.file}:${f.subject.line} ${f.message}`) };
}

const TF = "test/fixtures/audit/cloud";
const tf = (line: number) => `${TF}/main.tf:${line} `;

describe("ward audit: the cloud rules end to end (Terraform)", () => {
  it("WARD-AWS-010 names the NACL rule whose replies the outbound rules drop", () => {
    const r = audit(TF, "WARD-AWS-010");
    expect(r.at).toEqual([
      expect.stringMatching(/main\.tf:136 network ACL aws_network_acl\.db ingress rule 100 allows tcp 5432/),
    ]);
    expect(r.at[0]?.startsWith(tf(136))).toBe(true);
  });

  it("WARD-AWS-011 names the NAT route of the private route table", () => {
    expect(audit(TF, "WARD-AWS-011").at).toEqual([
      expect.stringMatching(
        /^test\/fixtures\/audit\/cloud\/main\.tf:51 route table aws_route_table\.app \(subnets app_a, app_b\) sends 0\.0\.0\.0\/0 to nat-gateway/,
      ),
    ]);
  });

  it("WARD-AWS-012 lists the missing endpoints, ssm and ssmmessages included for a Session Manager node role (high: exit 1)", () => {
    const r = audit(TF, "WARD-AWS-012");
    expect(r.code).toBe(1);
    expect(r.at).toEqual([expect.stringContaining(`${tf(120)}node group workers runs in subnet nodes`)]);
    expect(r.findings[0]?.message).toMatch(
      /\.logs, com\.amazonaws\.<region>\.ssm, com\.amazonaws\.<region>\.ssmmessages, /,
    );
  });

  it("WARD-AWS-013 reports the group left with Terraform's default description", () => {
    expect(audit(TF, "WARD-AWS-013").at).toEqual([
      `${tf(76)}security group app (aws_security_group.app) has Terraform's default description "Managed by Terraform" (no description argument)`,
    ]);
  });

  it("WARD-AWS-017 reports the rule resource without a description", () => {
    expect(audit(TF, "WARD-AWS-017").at).toEqual([
      `${tf(145)}security group app (aws_security_group.app): the ingress rule for tcp 443 from 10.0.0.0/20 has no description`,
    ]);
  });

  it("WARD-AWS-014 and WARD-AWS-015 report the /20 production VPC without flow logs", () => {
    expect(audit(TF, "WARD-AWS-014").at).toEqual([
      `${tf(2)}VPC aws_vpc.main is production (Name=payments-prod) but its IPv4 blocks 10.0.0.0/20 hold 4096 addresses, fewer than a /16 (65536)`,
    ]);
    expect(audit(TF, "WARD-AWS-015").at).toEqual([`${tf(2)}VPC aws_vpc.main has no flow log`]);
  });

  it("WARD-AWS-016 reports the zone whose workloads have no endpoint interface", () => {
    expect(audit(TF, "WARD-AWS-016").at).toEqual([
      `${tf(102)}interface endpoint aws_vpc_endpoint.sts (com.amazonaws.eu-west-1.sts) is in eu-west-1a but workloads use it from eu-west-1b (subnets app_b), which have no endpoint interface`,
    ]);
  });

  it("SARIF of a cloud finding carries its file and region", () => {
    const r = ward(["audit", TF, "--rule", "WARD-AWS-016", "--format", "sarif"]);
    const result = JSON.parse(r.stdout).runs[0].results[0];
    expect(result.ruleId).toBe("WARD-AWS-016");
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: `${TF}/main.tf` },
      region: { startLine: 102 },
    });
  });
});

describe("ward audit: flow logs from describe output", () => {
  it("WARD-AWS-015 reports the VPC describe-flow-logs shows no flow log for, at its JSON line", () => {
    const r = audit("test/fixtures/audit/cloud-describe", "WARD-AWS-015");
    expect(r.findings.map((f) => [f.subject.file, f.subject.line, f.subject.path, f.message])).toEqual([
      [
        "test/fixtures/audit/cloud-describe/describe-vpcs.json",
        8,
        "Vpcs[1]",
        "VPC vpc-0a1b2c3d4e5f60002 has no flow log",
      ],
    ]);
  });
  it("says nothing without describe-flow-logs output (flow logs unknown)", () => {
    const r = ward([
      "audit",
      "test/fixtures/audit/cloud-describe/describe-vpcs.json",
      "--rule",
      "WARD-AWS-015",
      "--format",
      "json",
    ]);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe("ward audit: mesh rules end to end", () => {
  const MESH = "test/fixtures/audit/mesh-api/shop.yaml";
  it("WARD-MESH-005 reports the HTTP-only ALLOW rule on the TCP port", () => {
    expect(audit(MESH, "WARD-MESH-005").at).toEqual([
      expect.stringMatching(/shop\.yaml:47 AuthorizationPolicy shop\/db rule 1 uses HTTP-only fields on TCP port 5432/),
    ]);
  });
  it("WARD-MESH-006 reports the made-up Linkerd kind and the version Istio does not serve", () => {
    expect(audit(MESH, "WARD-MESH-006").at).toEqual([
      expect.stringMatching(
        /shop\.yaml:55 policy\.linkerd\.io\/v1beta1 FooPolicy foo: policy\.linkerd\.io has no kind FooPolicy/,
      ),
      `${MESH}:63 security.istio.io/v1alpha3 PeerAuthentication strict: security.istio.io serves PeerAuthentication as v1beta1, v1, not v1alpha3`,
    ]);
  });
});
