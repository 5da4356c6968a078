import type { CloudModel, Subnet } from "../../../model/cloud.js";
import { isUnknown } from "../../../model/cloud.js";
import { routeTableOf } from "../../cloud/routes.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

// "data", "database", "db" as a word of the subnet's name (Name tag, else the Terraform name): private-db-a, data_1.
const DATA_NAME = /(^|[^a-z])(data|database|db)([^a-z]|$)/i;

function dataReason(cloud: CloudModel, s: Subnet): string | undefined {
  const db = cloud.interfaces.find((e) => e.subnetId === s.id && e.kind === "database");
  if (db !== undefined) return `hosts database ${db.name}`;
  if (DATA_NAME.test(s.name)) return `is named ${s.name}`;
  return undefined;
}

export const dataSubnetInternetRoute: AuditRule = {
  id: "WARD-AWS-006",
  layer: "cloud",
  severity: "high",
  title: "Data subnet with a route to an internet or NAT gateway",
  rationale:
    "The data tier talks only to the application tier. A route to an internet gateway makes its hosts addressable from the internet once they get a public IP; a route to a NAT gateway lets a compromised database send data anywhere.",
  fix: "Give data subnets a route table with only the local route (plus gateway endpoints they need).",
  equivalents: {},
  check(ctx) {
    const cloud = ctx.model.cloud;
    if (cloud === undefined) return [];
    const out: Finding[] = [];
    for (const s of cloud.subnets) {
      const why = dataReason(cloud, s);
      if (why === undefined) continue;
      const table = routeTableOf(cloud, s);
      for (const r of table?.routes ?? []) {
        const t = r.target;
        if (isUnknown(t) || (t.type !== "internet-gateway" && t.type !== "nat-gateway")) continue;
        const dest = isUnknown(r.destination)
          ? "(unknown)"
          : "prefixList" in r.destination
            ? r.destination.prefixList
            : r.destination.text;
        out.push(
          findingOf(
            this,
            r.source,
            `data subnet ${s.name || s.id} (it ${why}) routes ${dest} to ${t.type} ${t.id} (route table ${table?.id})`,
            { related: [s.source] },
          ),
        );
      }
    }
    return out;
  },
};
