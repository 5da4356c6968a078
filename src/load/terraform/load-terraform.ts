import { basename } from "node:path";
import type { InputProblem } from "../../errors/input-error.js";
import type { CloudModel } from "../../model/cloud.js";
import type { Warning } from "../../model/model.js";
import type { InputText } from "../read-inputs.js";
import { type Block, parseHcl } from "./hcl-ast.js";
import { evaluate } from "./hcl-eval.js";
import { HclError, type Value } from "./hcl-value.js";
import { terraformToCloud } from "./terraform-cloud.js";
import { TerraformModule } from "./terraform-module.js";

/** Values given on the command line: `--var name=value` and `--var-file file`, in Terraform's precedence. */
export type TerraformVars = {
  readonly vars?: readonly string[];
  readonly varFiles?: readonly InputText[];
};

export type TerraformResult = {
  readonly cloud: CloudModel;
  readonly problems: readonly InputProblem[];
  readonly warnings: readonly Warning[];
};

export function isTerraformFile(file: string): boolean {
  return /\.tf$/i.test(file);
}

/** terraform.tfvars and *.auto.tfvars are loaded automatically; other .tfvars files only with --var-file. */
export function isAutoVarFile(file: string): boolean {
  const name = basename(file);
  return name === "terraform.tfvars" || /\.auto\.tfvars$/.test(name);
}

/**
 * .tf files (one root module) → the cloud model. Variables take, from lowest to highest precedence: defaults,
 * terraform.tfvars, *.auto.tfvars (lexical order), --var-file, --var (developer.hashicorp.com: "Variable Definition
 * Precedence").
 */
export async function loadTerraform(inputs: readonly InputText[], opts: TerraformVars = {}): Promise<TerraformResult> {
  const problems: InputProblem[] = [];
  const warnings: Warning[] = [];
  const blocks: Block[] = [];
  const varFiles: { file: string; body: Block }[] = [];
  for (const input of inputs) {
    const parsed = await parseHcl(input.file, input.text);
    problems.push(...parsed.problems);
    if (isTerraformFile(input.file)) blocks.push(...parsed.body.blocks);
    else if (isAutoVarFile(input.file)) varFiles.push({ file: input.file, body: parsed.body });
    else
      warnings.push({
        code: "tfvars-not-loaded",
        message: `${basename(input.file)} is not loaded automatically by Terraform: pass it with --var-file`,
        file: input.file,
        line: 1,
      });
  }
  varFiles.sort((a, b) => rank(a.file) - rank(b.file) || (a.file < b.file ? -1 : 1));
  for (const extra of opts.varFiles ?? []) {
    const parsed = await parseHcl(extra.file, extra.text);
    problems.push(...parsed.problems);
    varFiles.push({ file: extra.file, body: parsed.body });
  }
  const declared = new TerraformModule(blocks, new Map());
  const values = new Map<string, Value>();
  for (const vf of varFiles)
    for (const attr of vf.body.attributes.values()) {
      if (!declared.declaredVariables().has(attr.name)) {
        warnings.push({
          code: "undeclared-variable",
          message: `a value is given for undeclared variable "${attr.name}"`,
          file: vf.file,
          line: attr.line,
        });
        continue;
      }
      try {
        values.set(attr.name, evaluate(attr.expr, constantScope(vf.file)));
      } catch (error) {
        if (!(error instanceof HclError)) throw error;
        problems.push({ code: error.code, message: error.message, file: vf.file, line: error.line });
      }
    }
  for (const assignment of opts.vars ?? []) {
    const eq = assignment.indexOf("=");
    const name = eq < 0 ? assignment : assignment.slice(0, eq);
    if (eq < 0 || !declared.declaredVariables().has(name)) {
      problems.push({
        code: eq < 0 ? "invalid-var" : "undeclared-variable",
        message:
          eq < 0 ? `--var "${assignment}" is not name=value` : `--var ${name}: no variable "${name}" is declared`,
        file: "--var",
        line: 0,
      });
      continue;
    }
    const raw = assignment.slice(eq + 1);
    const type = declared.variableType(name);
    // -var values are strings unless the variable's type is not a string: then they are HCL expressions.
    if (type === undefined || type === "string") values.set(name, raw);
    else {
      const parsed = await parseHcl("--var", `v = ${raw}\n`);
      const expr = parsed.body.attributes.get("v")?.expr;
      if (parsed.problems.length > 0 || !expr) {
        problems.push({
          code: "invalid-var",
          message: `--var ${name}: "${raw}" is not a valid ${type} value`,
          file: "--var",
          line: 0,
        });
        continue;
      }
      try {
        values.set(name, evaluate(expr, constantScope("--var")));
      } catch (error) {
        if (!(error instanceof HclError)) throw error;
        problems.push({ code: error.code, message: `--var ${name}: ${error.message}`, file: "--var", line: 0 });
      }
    }
  }
  const module = new TerraformModule(blocks, values);
  const builder = terraformToCloud(module);
  const cloud = builder.finish();
  return {
    cloud,
    problems: [...problems, ...module.problems, ...builder.problems],
    warnings: [...warnings, ...module.warnings, ...builder.warnings],
  };
}

function rank(file: string): number {
  return basename(file) === "terraform.tfvars" ? 0 : 1;
}

function constantScope(file: string) {
  return {
    file,
    lookup: (name: string, line: number): Value => {
      throw new HclError("invalid-value", `a variable value cannot refer to "${name}"`, line);
    },
  };
}
