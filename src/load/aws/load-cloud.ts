import { InputError } from "../../errors/input-error.js";
import { type CloudModel, emptyCloud, mergeCloud } from "../../model/cloud.js";
import type { Warning } from "../../model/model.js";
import { type InputText, STDIN_NAME } from "../read-inputs.js";
import { isTerraformFile, loadTerraform, type TerraformVars } from "../terraform/load-terraform.js";
import { isTerraformJson, loadTerraformJson } from "../terraform/terraform-json.js";
import { isDescribeJson, loadDescribe } from "./describe.js";
import { isElbv2Input } from "./describe-elbv2.js";
import { isTransitGatewayInput } from "./describe-transit-gateway.js";

const isDescribe = (i: InputText): boolean => isDescribeJson(i.text) || isTransitGatewayInput(i) || isElbv2Input(i);

export type { TerraformVars };

/** .tf / .tfvars files, `terraform show -json` output and `aws ec2 describe-*` JSON: the inputs of the cloud layer. */
export function isCloudInput(input: InputText): boolean {
  if (isTerraformFile(input.file) || /\.tfvars$/i.test(input.file)) return true;
  return (
    (/\.json$/i.test(input.file) || input.file === STDIN_NAME) && (isDescribe(input) || isTerraformJson(input.text))
  );
}

export type CloudLoad = {
  readonly cloud: CloudModel;
  readonly warnings: readonly Warning[];
  readonly terraform: boolean;
};

/** Cloud inputs → the cloud model; every problem of every file is reported in one InputError. */
export async function loadCloud(inputs: readonly InputText[], vars: TerraformVars = {}): Promise<CloudLoad> {
  const json = inputs.filter((i) => isTerraformJson(i.text));
  const describe = inputs.filter(isDescribe);
  const tf = inputs.filter((i) => !isDescribe(i) && !isTerraformJson(i.text));
  let cloud = emptyCloud();
  const problems = [];
  const warnings: Warning[] = [];
  if (tf.length > 0) {
    const r = await loadTerraform(tf, vars);
    cloud = mergeCloud(cloud, r.cloud);
    problems.push(...r.problems);
    warnings.push(...r.warnings);
  }
  if (json.length > 0) {
    const r = loadTerraformJson(json);
    cloud = mergeCloud(cloud, r.cloud);
    problems.push(...r.problems);
    warnings.push(...r.warnings);
  }
  if (describe.length > 0) {
    const b = loadDescribe(describe);
    const c = b.finish();
    cloud = mergeCloud(cloud, c);
    problems.push(...b.problems);
    warnings.push(...b.warnings);
  }
  // Each format names objects its own way (Terraform addresses, provider ids), so the same VPC given twice loads as
  // two VPCs that share nothing: say so at the first file of the second format.
  const groups = [
    { what: "Terraform configuration", files: tf.filter((i) => isTerraformFile(i.file)) },
    { what: "terraform show -json output", files: json },
    { what: "aws ec2 describe-* output", files: describe },
  ].filter((g) => g.files.length > 0);
  const [first, ...rest] = groups;
  for (const g of rest) {
    const at = g.files[0] as InputText;
    warnings.push({
      code: "separate-vpcs",
      message: `${g.what} and ${first?.what} (${first?.files[0]?.file}) are loaded as separate VPCs: objects are not matched across formats`,
      file: at.file,
      line: 1,
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return { cloud, warnings, terraform: tf.length > 0 };
}
