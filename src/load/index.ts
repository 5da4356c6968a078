export { buildModel } from "./build-model.js";
export { loadModel } from "./load-model.js";
export { type InputText, readInputs } from "./read-inputs.js";
