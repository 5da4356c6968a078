import type { Manifest } from "./manifest.js";
import type { GenerationPlan } from "./targets.js";
export function ciliumPolicies(_p: GenerationPlan, _w: string[]): Manifest[] {
  return [];
}
