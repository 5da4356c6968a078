import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../../../load/index.js";
import { runAudit } from "../run-audit.js";

/** Test support: the findings of one rule on a Terraform configuration written to a temporary directory. */
export async function auditTerraform(tf: string, id: string) {
  const dir = mkdtempSync(join(tmpdir(), "ward-audit-tf-"));
  try {
    writeFileSync(join(dir, "main.tf"), tf);
    return (await runAudit(await loadModel([dir]), { rules: [id] })).findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const VPC = `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
`;
