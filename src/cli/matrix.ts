import { cloudMatrix } from "../analyze/cloud/cloud-matrix.js";
import { computeClassMatrix } from "../analyze/matrix/class-matrix.js";
import { workloadMatrix } from "../analyze/matrix/workload-matrix.js";
import { layeredMatrix } from "../analyze/mesh/mesh-matrix.js";
import { MATRIX_FORMATS, renderMatrix } from "../report/matrix-formats.js";
import { renderLayeredMatrix } from "../report/mesh-matrix-report.js";
import { type GlobalOptions, loadForCommand, parseChoice, parsePort, parseProtocol } from "./common.js";
import { type MeshFlags, parseMeshOptions } from "./mesh-options.js";

export type MatrixOptions = GlobalOptions &
  MeshFlags & { port?: string; protocol?: string; format?: string; layer?: string };

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
  const classes = computeClassMatrix(model);
  const result = workloadMatrix(
    model,
    port === undefined ? (opts.protocol ? { protocol } : {}) : { port, protocol },
    classes,
  );
  const layer = parseChoice(opts.layer, ["cluster", "mesh", "all"] as const, "--layer", "all");
  const layered = layeredMatrix(model, result, layer, parseMeshOptions(opts), classes);
  process.stdout.write(
    layered.pairs === result.pairs ? renderMatrix(result, format) : renderLayeredMatrix(layered, format),
  );
  return 0;
}
