import { clusterExposure } from "../analyze/exposure/cluster-exposure.js";
import { EXPOSURE_FORMATS, exposureJson, exposureText } from "../report/exposure-report.js";
import { type GlobalOptions, loadForCommand, parseChoice } from "./common.js";

export type ExposureOptions = GlobalOptions & { format?: string };

/** `ward exposure PATH...`: for each workload, who can reach it from outside its namespace (a report: exit 0). */
export async function exposure(paths: string[], opts: ExposureOptions): Promise<number> {
  const format = parseChoice(opts.format, EXPOSURE_FORMATS, "--format", "text");
  const model = await loadForCommand(paths, opts);
  const result = clusterExposure(model);
  process.stdout.write(format === "json" ? exposureJson(result) : exposureText(result));
  return 0;
}
