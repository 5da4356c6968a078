import { FLOW_MODES, generateFromFlows } from "../analyze/generate/from-flows.js";
import { UsageError } from "../errors/input-error.js";
import { readFlows } from "../load/flows/read-flows.js";
import type { Model } from "../model/model.js";
import { loadForCommand, parseChoice } from "./common.js";
import type { GenerateOptions } from "./generate.js";

/** `ward generate --from-flows FILE... [--mode audit|deny|relax|enforce] [--cluster PATH...]`. */
export async function generateFromFlowsCommand(paths: string[], opts: GenerateOptions): Promise<number> {
  const mode = parseChoice(opts.mode, FLOW_MODES, "--mode", "enforce");
  if (opts.target !== undefined && opts.target !== "networkpolicy")
    throw new UsageError("--from-flows generates NetworkPolicies only (--target networkpolicy)");
  const files = [...(opts.fromFlows ?? []), ...paths];
  if (files.length === 0) throw new UsageError("--from-flows needs at least one file");
  const log = await readFlows(files);
  const model: Model | undefined = opts.cluster?.length ? await loadForCommand(opts.cluster, opts) : undefined;
  const out = generateFromFlows(log, model, mode, files);
  for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(out.text);
  return 0;
}
