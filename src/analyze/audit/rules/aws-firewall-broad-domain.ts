import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

/**
 * Domains under which anyone can host content (CDNs, object stores, PaaS): allowing every sub-domain allows any
 * attacker's distribution, bucket or app. Network Firewall: ".example.com" matches example.com and all its sub-domains
 * (docs.aws.amazon.com/network-firewall/latest/APIReference/API_RulesSourceList.html, Targets).
 */
const SHARED_DOMAINS = [
  "amazonaws.com",
  "cloudfront.net",
  "awsapps.com",
  "elasticbeanstalk.com",
  "amplifyapp.com",
  "azureedge.net",
  "azurewebsites.net",
  "windows.net",
  "googleapis.com",
  "googleusercontent.com",
  "appspot.com",
  "cloudfunctions.net",
  "run.app",
  "web.app",
  "firebaseapp.com",
  "github.io",
  "githubusercontent.com",
  "herokuapp.com",
  "fastly.net",
  "akamaized.net",
  "akamaihd.net",
  "cloudflare.net",
  "workers.dev",
  "pages.dev",
  "netlify.app",
  "vercel.app",
  "ngrok.io",
];

/** Why ".domain" is too broad to allow, or undefined. */
export function broadness(target: string): string | undefined {
  if (!target.startsWith(".")) return undefined; // an exact name: matches only itself
  const domain = target.slice(1).toLowerCase().replace(/\.$/, "");
  if (!domain.includes(".")) return `every domain under the top-level domain ${domain}`;
  const shared = SHARED_DOMAINS.find((d) => domain === d || domain.endsWith(`.${d}`));
  return shared === undefined ? undefined : `every customer's content under the shared domain ${shared}`;
}

export const broadFirewallDomain: AuditRule = {
  id: "WARD-AWS-009",
  layer: "cloud",
  severity: "medium",
  title: "Network Firewall domain allow-list with a broad wildcard",
  rationale:
    "An allow-list entry such as .amazonaws.com or .cloudfront.net matches every sub-domain, including any bucket, distribution or app an attacker creates: egress filtering that anyone can pass by hosting there.",
  fix: "Allow the exact names the workloads use (my-bucket.s3.eu-west-1.amazonaws.com, d111111abcdef8.cloudfront.net), and reach AWS APIs through VPC endpoints.",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const fw of ctx.model.cloud?.firewalls ?? [])
      for (const rule of fw.domainRules) {
        if (rule.action !== "ALLOWLIST") continue; // a broad deny is only strict
        for (const t of rule.targets) {
          const why = broadness(t);
          if (why !== undefined) out.push(findingOf(this, rule.source, `firewall ${fw.name} allows ${t}: ${why}`));
        }
      }
    return out;
  },
};
