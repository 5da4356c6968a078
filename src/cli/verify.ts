import { verify as verifyIntent } from "../analyze/verify/verify.js";
import { loadIntent } from "../intent/load-intent.js";
import { renderVerify, VERIFY_FORMATS } from "../report/verify-report.js";
import { type GlobalOptions, loadForCommand, parseChoice } from "./common.js";

export type VerifyOptions = GlobalOptions & { format?: string };

/** `ward verify ward.yaml PATH...`: exit 0 when the configuration allows exactly the intent, 1 on any difference. */
export async function verify(intentPath: string, paths: string[], opts: VerifyOptions): Promise<number> {
  const format = parseChoice(opts.format, VERIFY_FORMATS, "--format", "text");
  const intent = await loadIntent(intentPath);
  const model = await loadForCommand(paths, opts);
  const result = verifyIntent(model, intent);
  process.stdout.write(renderVerify(result, format));
  const unresolved = result.notes.some((n) => n.kind === "unresolved" || n.kind === "undecidable");
  return result.differences.length > 0 || unresolved ? 1 : 0;
}
