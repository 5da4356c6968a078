import { blastRadius as computeBlastRadius } from "../analyze/blast-radius/blast-radius.js";
import { UsageError } from "../errors/input-error.js";
import { BLAST_FORMATS, blastJson, blastText } from "../report/blast-radius-report.js";
import { type GlobalOptions, loadForCommand, parseChoice } from "./common.js";

export type BlastOptions = GlobalOptions & { from?: string; hops?: string; format?: string };

/** `ward blast-radius PATH... --from ID [--hops N]`: everything reachable from a compromised workload. */
export async function blastRadius(paths: string[], opts: BlastOptions): Promise<number> {
  const format = parseChoice(opts.format, BLAST_FORMATS, "--format", "text");
  if (!opts.from) throw new UsageError("--from is required");
  let hops: number | undefined;
  if (opts.hops !== undefined) {
    if (!/^\d+$/.test(opts.hops) || Number(opts.hops) < 1)
      throw new UsageError(`--hops: "${opts.hops}" is not a positive integer`);
    hops = Number(opts.hops);
  }
  const model = await loadForCommand(paths, opts);
  const result = computeBlastRadius(model, opts.from, hops);
  process.stdout.write(format === "json" ? blastJson(result) : blastText(result));
  return 0;
}
