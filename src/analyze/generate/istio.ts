import type { Manifest } from "./manifest.js";
import type { GenerationPlan } from "./targets.js";
export function authorizationPolicies(_p: GenerationPlan, _w: string[]): Manifest[] {
  return [];
}
