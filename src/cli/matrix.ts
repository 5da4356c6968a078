import { cloudMatrix } from "../analyze/cloud/cloud-matrix.js";
import { workloadMatrix } from "../analyze/matrix/workload-matrix.js";
import { MATRIX_FORMATS, renderMatrix } from "../report/matrix-formats.js";
import { type GlobalOptions, loadForCommand, parseChoice, parsePort, parseProtocol } from "./common.js";

export type MatrixOptions = GlobalOptions & { port?: string; protocol?: string; format?: string };

export async function matrix(paths: string[], opts: MatrixOptions): Promise<number> {
  const format = parseChoice(opts.format, MATRIX_FORMATS, "--format", "text");
  const port = parsePort(opts.port);
  const protocol = parseProtocol(opts.protocol);
  const model = await loadForCommand(paths, opts);
  if (model.cloud && model.workloads.length === 0) {
    const cloud = cloudMatrix(model.cloud, port === undefined ? { protocol } : { port, protocol });
    process.stdout.write(renderMatrix(cloud, format));
    return 0;
  }
  const result = workloadMatrix(model, port === undefined ? (opts.protocol ? { protocol } : {}) : { port, protocol });
  process.stdout.write(renderMatrix(result, format));
  return 0;
}
