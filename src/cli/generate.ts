import { UsageError } from "../errors/input-error.js";
import { loadIntent } from "../intent/load-intent.js";
import type { Model } from "../model/model.js";
import { type GlobalOptions, loadForCommand, parseChoice } from "./common.js";

export type GenerateOptions = GlobalOptions & {
  fromIntent?: string;
  fromFlows?: string[];
  target?: string;
  mode?: string;
  cluster?: string[];
};

/**
 * `ward generate --from-intent ward.yaml [--target T] [PATH...]`: policies that allow exactly the intent.
 * `ward generate --from-flows FILE... [--mode M] [--cluster PATH...]`: policies from observed traffic.
 */
export async function generate(paths: string[], opts: GenerateOptions): Promise<number> {
  if ((opts.fromIntent === undefined) === (opts.fromFlows === undefined))
    throw new UsageError("give exactly one of --from-intent FILE or --from-flows FILE...");
  if (opts.fromIntent !== undefined) {
    const { generateFromIntent, TARGETS } = await import("../analyze/generate/from-intent.js");
    const target = parseChoice(opts.target, TARGETS, "--target", "networkpolicy");
    const intent = await loadIntent(opts.fromIntent);
    const model: Model | undefined = paths.length > 0 ? await loadForCommand(paths, opts) : undefined;
    const result = await generateFromIntent(intent, model, target);
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(result.yaml);
    return 0;
  }
  const { generateFromFlowsCommand } = await import("./generate-flows.js");
  return generateFromFlowsCommand(paths, opts);
}
