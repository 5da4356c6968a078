import type { Vpc } from "../../../model/cloud.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

const ENV_KEYS = new Set(["environment", "env", "stage"]);
const PROD_VALUES = new Set(["prod", "production"]);

/** Why a VPC counts as production (the tag that says so), or undefined. */
export function productionTag(vpc: Vpc): string | undefined {
  for (const [key, value] of Object.entries(vpc.tags ?? {})) {
    if (ENV_KEYS.has(key.toLowerCase()) && PROD_VALUES.has(value.trim().toLowerCase())) return `${key}=${value}`;
    // The Name tag counts when one of its words (split on anything but letters and digits) is prod or production.
    if (
      key === "Name" &&
      value
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .some((w) => PROD_VALUES.has(w))
    )
      return `Name=${value}`;
  }
  return undefined;
}

export const smallProductionVpc: AuditRule = {
  id: "WARD-AWS-014",
  layer: "cloud",
  severity: "low",
  title: "Production VPC smaller than /16",
  rationale:
    'A VPC\'s primary CIDR block cannot be changed, and /16 is the largest block AWS allows. Production VPCs grow (more subnets per Availability Zone, EKS pods taking one VPC address each, endpoints and load balancers in every zone); a smaller block runs out and forces secondary blocks or a migration. Ward counts a VPC as production when a tag Environment, Env or Stage (any case) is prod or production (any case), or when its Name tag has the word prod or production (words are split on anything but letters and digits, so "payments-prod" counts and "products" does not). It reports the VPC when its IPv4 CIDR blocks together hold fewer addresses than a /16 (65,536). VPCs without such tags are not reported.',
  fix: "Create production VPCs with a /16 IPv4 block (plan address space with IPAM), or add secondary CIDR blocks (aws_vpc_ipv4_cidr_block_association) before the primary one runs out.",
  equivalents: {},
  check(ctx) {
    const cloud = ctx.model.cloud;
    if (cloud === undefined) return [];
    const out: Finding[] = [];
    for (const vpc of cloud.vpcs) {
      const why = productionTag(vpc);
      const v4 = vpc.cidrs.filter((c) => c.family === 4);
      if (why === undefined || v4.length === 0) continue;
      const size = v4.reduce((n, c) => n + (c.end - c.start + 1n), 0n);
      if (size >= 65536n) continue;
      out.push(
        findingOf(
          this,
          vpc.source,
          `VPC ${vpc.id} is production (${why}) but its IPv4 blocks ${v4.map((c) => c.text).join(", ")} hold ${size} addresses, fewer than a /16 (65536)`,
        ),
      );
    }
    return out;
  },
};
