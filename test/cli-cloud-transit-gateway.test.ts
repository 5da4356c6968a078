import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const DIR = "test/fixtures/aws-transit-gateway";

type Hop = { step: string; status: string; why: string; refs: { file: string; line: number; path?: string }[] };
type Result = { status: string; allowed: boolean; paths: { from: string; to: string; status: string; hops: Hop[] }[] };

function reach(args: string[]): { code: number; result: Result; stderr: string } {
  const r = ward(["reach", ...args, "--format", "json"]);
  return { code: r.code, result: JSON.parse(r.stdout) as Result, stderr: r.stderr };
}

const hops = (r: Result): Hop[] => r.paths[0]?.hops ?? [];
const denied = (r: Result): string[] =>
  hops(r)
    .filter((h) => h.status === "deny")
    .map((h) => h.step);

for (const [label, dir] of [
  ["Terraform", `${DIR}/terraform`],
  ["describe JSON", `${DIR}/describe`],
] as const) {
  describe(`transit gateway route tables and attachment subnets (${label})`, () => {
    it("prod → shared services: the table prod's attachment is associated with has shared's propagated CIDR", () => {
      const { code, result, stderr } = reach([dir, "--from", "prod-app", "--to", "shared-api", "--port", "443"]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const tgw = hops(result).filter((h) => h.step.startsWith("transit gateway"));
      expect(tgw.map((h) => h.status)).toEqual(["allow", "allow"]);
      expect(tgw[0]?.why).toMatch(/associated with .*propagated route 10\.30\.0\.0\/16 → /);
      expect(tgw[1]?.step).toContain("(return route)");
      expect(tgw[1]?.why).toContain("propagated route 10.10.0.0/16");
    });

    it("prod → dev is dropped by prod's route table: segmentation is the absence of a route", () => {
      const { code, result } = reach([dir, "--from", "prod-app", "--to", "dev-app", "--port", "443"]);
      expect(code).toBe(1);
      const hop = hops(result).find((h) => h.status === "deny");
      expect(hop?.step).toMatch(/^transit gateway .* route table$/);
      expect(hop?.why).toContain("has no route to 10.20.1.10");
      expect(hop?.refs[0]?.line).toBeGreaterThan(0);
    });

    it("dev → the secrets subnet hits a static blackhole more specific than the propagated VPC route", () => {
      const { code, result } = reach([dir, "--from", "dev-app", "--to", "shared-vault", "--port", "8200"]);
      expect(code).toBe(1);
      const hop = hops(result).find((h) => h.status === "deny");
      expect(hop?.why).toContain("static route 10.30.5.0/24 is a blackhole");
    });

    it("the source VPC's attachment subnet NACL is checked inbound on the request (port 22 is not admitted)", () => {
      const { code, result } = reach([dir, "--from", "prod-app", "--to", "shared-api", "--port", "22"]);
      expect(code).toBe(1);
      expect(denied(result)).toEqual([
        expect.stringMatching(/^network ACL inbound of subnet prod-tgw \(request into attachment /),
      ]);
    });

    it("replies leave the gateway through the attachment subnet, whose outbound rules apply to them", () => {
      const { result } = reach([dir, "--from", "prod-app", "--to", "shared-api", "--port", "443"]);
      const out = hops(result).find((h) => h.step.startsWith("network ACL outbound of subnet prod-tgw"));
      expect(out?.status).toBe("allow");
      expect(out?.step).toContain("return traffic out of attachment");
      expect(out?.why).toContain("1024-65535");
    });

    it("traffic from the gateway to an instance in the attachment subnet is not filtered by that subnet's NACL", () => {
      // dev-app's NACL admits only 10.20.0.0/16, yet shared → dev-app arrives through dev's attachment in dev-app.
      const { code, result } = reach([dir, "--from", "shared-api", "--to", "dev-app", "--port", "443"]);
      expect(code).toBe(0);
      const arrive = hops(result).find((h) => h.step.includes("dev-app (request from the transit gateway)"));
      expect(arrive?.why).toContain("not evaluated");
      expect(hops(result).some((h) => h.step.startsWith("network ACL inbound of subnet dev-app (request)"))).toBe(
        false,
      );
    });
  });
}

describe("transit gateway inputs that Ward cannot accept", () => {
  it("an attachment associated with a second route table while the default association is on → file:line, exit 2", () => {
    const r = ward(["matrix", `${DIR}/bad/association-conflict.tf`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${DIR}/bad/association-conflict.tf:25:`);
    expect(r.stderr).toContain("[transit-gateway-association-conflict]");
    expect(r.stderr).not.toContain("    at ");
  });

  it("search-transit-gateway-routes output that does not name its table → exit 2 naming the file", () => {
    const r = ward(["matrix", `${DIR}/bad/unnamed-routes`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("search-transit-gateway-routes.json:1:");
    expect(r.stderr).toContain("[missing-route-table-id]");
  });

  it("without search-transit-gateway-routes output the table's routes are unknown, never guessed", () => {
    const files = [
      "describe-vpcs.json",
      "describe-subnets.json",
      "describe-route-tables.json",
      "describe-network-acls.json",
      "describe-security-groups.json",
      "describe-instances.json",
      "describe-transit-gateways.json",
      "describe-transit-gateway-vpc-attachments.json",
      "describe-transit-gateway-attachments.json",
      "describe-transit-gateway-route-tables.json",
    ].map((f) => `${DIR}/describe/${f}`);
    const { code, result } = reach([...files, "--from", "prod-app", "--to", "shared-api", "--port", "443"]);
    expect(code).not.toBe(0);
    expect(result.status).toBe("unknown");
    const hop = hops(result).find((h) => h.step.startsWith("transit gateway") && h.status === "unknown");
    expect(hop?.why).toContain("search-transit-gateway-routes");
  });
});
