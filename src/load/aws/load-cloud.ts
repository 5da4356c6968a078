import { InputError } from "../../errors/input-error.js";
import { type CloudModel, emptyCloud, mergeCloud } from "../../model/cloud.js";
import type { Warning } from "../../model/model.js";
import { type InputText, STDIN_NAME } from "../read-inputs.js";
import { isTerraformFile, loadTerraform, type TerraformVars } from "../terraform/load-terraform.js";
import { isDescribeJson, loadDescribe } from "./describe.js";

export type { TerraformVars };

/** .tf / .tfvars files and `aws ec2 describe-*` JSON: the inputs of the cloud layer. */
export function isCloudInput(input: InputText): boolean {
  if (isTerraformFile(input.file) || /\.tfvars$/i.test(input.file)) return true;
  return (/\.json$/i.test(input.file) || input.file === STDIN_NAME) && isDescribeJson(input.text);
}

export type CloudLoad = {
  readonly cloud: CloudModel;
  readonly warnings: readonly Warning[];
  readonly terraform: boolean;
};

/** Cloud inputs → the cloud model; every problem of every file is reported in one InputError. */
export async function loadCloud(inputs: readonly InputText[], vars: TerraformVars = {}): Promise<CloudLoad> {
  const tf = inputs.filter((i) => !isDescribeJson(i.text));
  const describe = inputs.filter((i) => isDescribeJson(i.text));
  let cloud = emptyCloud();
  const problems = [];
  const warnings: Warning[] = [];
  if (tf.length > 0) {
    const r = await loadTerraform(tf, vars);
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
  if (problems.length > 0) throw new InputError(problems);
  return { cloud, warnings, terraform: tf.length > 0 };
}
