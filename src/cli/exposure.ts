import { cloudExposure } from "../analyze/cloud/cloud-exposure.js";
import { clusterEdges } from "../analyze/edges/cluster-edges.js";
import { withClusterLayers } from "../analyze/exposure/cloud-cluster.js";
import { clusterExposure } from "../analyze/exposure/cluster-exposure.js";
import { cloudExposureJson, cloudExposureText } from "../report/cloud-exposure-report.js";
import { edgesJson, edgesText } from "../report/edges-report.js";
import { EXPOSURE_FORMATS, exposureJson, exposureText } from "../report/exposure-report.js";
import { type GlobalOptions, loadForCommand, parseChoice } from "./common.js";

export type ExposureOptions = GlobalOptions & { format?: string };

/** `ward exposure PATH...`: for each workload, who can reach it from outside its namespace (a report: exit 0). */
export async function exposure(paths: string[], opts: ExposureOptions): Promise<number> {
  const format = parseChoice(opts.format, EXPOSURE_FORMATS, "--format", "text");
  const model = await loadForCommand(paths, opts);
  // Cloud resources (Terraform / describe input) get the cloud report; workloads keep the cluster report.
  // Node groups that front LoadBalancer/NodePort Services gain the cluster and mesh layers of their workloads.
  const cloud = model.cloud ? withClusterLayers(model, model.cloud, cloudExposure(model.cloud)) : undefined;
  if (cloud && model.workloads.length === 0) {
    process.stdout.write(format === "json" ? cloudExposureJson(cloud) : cloudExposureText(cloud));
    return 0;
  }
  const result = clusterExposure(model);
  // The cluster's entry points (LoadBalancer/NodePort Services, Ingress, Gateway) and what policy lets through them.
  const edges = clusterEdges(model);
  if (format === "json") {
    const json = JSON.parse(exposureJson(result)) as Record<string, unknown>;
    const withEdges = edges.length > 0 ? { ...json, edges: edgesJson(edges) } : json;
    process.stdout.write(
      cloud || edges.length > 0
        ? `${JSON.stringify(cloud ? { ...withEdges, cloud: JSON.parse(cloudExposureJson(cloud)).cloud } : withEdges, null, 2)}\n`
        : exposureJson(result),
    );
  } else
    process.stdout.write(
      `${exposureText(result)}${edges.length > 0 ? `\n${edgesText(edges)}` : ""}${cloud ? `\n${cloudExposureText(cloud)}` : ""}`,
    );
  return 0;
}
