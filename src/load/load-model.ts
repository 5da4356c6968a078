import { UsageError } from "../errors/input-error.js";
import type { Model } from "../model/model.js";
import { isCloudInput, loadCloud, type TerraformVars } from "./aws/load-cloud.js";
import { buildModel } from "./build-model.js";
import { readInputs } from "./read-inputs.js";

/** `--var name=value` and `--var-file path` for Terraform input. */
export type TerraformOptions = { readonly vars?: readonly string[]; readonly varFiles?: readonly string[] };

/**
 * readInputs + buildModel: paths (files, directories, "-") → the normalized Model. Terraform (.tf, .tfvars) and
 * `aws ec2 describe-*` JSON inputs go to the cloud loader and become Model.cloud.
 */
export async function loadModel(
  paths: string[],
  stdin?: () => Promise<string>,
  tf: TerraformOptions = {},
): Promise<Model> {
  const inputs = await readInputs(paths, stdin);
  const vars: TerraformVars = {
    ...(tf.vars ? { vars: tf.vars } : {}),
    ...(tf.varFiles?.length ? { varFiles: await readInputs([...tf.varFiles]) } : {}),
  };
  const cloudInputs = inputs.filter(isCloudInput);
  const hasVars = (vars.vars?.length ?? 0) > 0 || (vars.varFiles?.length ?? 0) > 0;
  if (cloudInputs.length === 0) {
    if (hasVars) throw new UsageError("--var and --var-file apply to Terraform (.tf) input, and there is none");
    return buildModel(inputs);
  }
  const cloud = await loadCloud(cloudInputs, vars);
  if (hasVars && !cloud.terraform)
    throw new UsageError("--var and --var-file apply to Terraform (.tf) input, and there is none");
  const model = buildModel(inputs.filter((i) => !isCloudInput(i)));
  return { ...model, cloud: cloud.cloud, warnings: [...model.warnings, ...cloud.warnings] };
}
