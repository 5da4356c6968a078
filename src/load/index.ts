/**
 * Kubernetes manifests → the normalized Model.
 *
 * - readInputs: files, directories (recursive, sorted, .yaml/.yml/.json) and "-" (stdin) → texts.
 * - buildModel: texts → Model, or one InputError carrying every problem found (file, line, field path, code).
 * - loadModel: both.
 */
export { buildModel } from "./build-model.js";
export { loadModel } from "./load-model.js";
export { type InputText, readInputs } from "./read-inputs.js";
