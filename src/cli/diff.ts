import { diffModels } from "../analyze/diff/diff.js";
import { DIFF_FORMATS, renderDiff } from "../report/diff-report.js";
import { type GlobalOptions, loadForCommand, parseChoice } from "./common.js";

export type DiffOptions = GlobalOptions & { format?: string };

/** `ward diff OLD NEW`: exit 0 when allowed connectivity is the same, 1 when it changed (as diff(1) does). */
export async function diff(oldPath: string, newPath: string, opts: DiffOptions): Promise<number> {
  const format = parseChoice(opts.format, DIFF_FORMATS, "--format", "text");
  const before = await loadForCommand([oldPath], opts);
  const after = await loadForCommand([newPath], opts);
  const result = diffModels(before, after);
  process.stdout.write(renderDiff(result, format));
  return result.entries.length > 0 ? 1 : 0;
}
