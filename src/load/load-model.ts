import type { Model } from "../model/model.js";
import { buildModel } from "./build-model.js";
import { readInputs } from "./read-inputs.js";

/** readInputs + buildModel: paths (files, directories, "-") → the normalized Model. */
export async function loadModel(paths: string[], stdin?: () => Promise<string>): Promise<Model> {
  return buildModel(await readInputs(paths, stdin));
}
