import { type Cidr, parseCidr } from "../model/cidr.js";
import type { Model } from "../model/model.js";
import { ADMIN_TIER, BASELINE_TIER, DEFAULT_TIER } from "../model/policy.js";

/**
 * The Model as JSON, so a lab records exactly what it enforces and `ward probe` predicts from the same model
 * (not from files that may have changed since). Maps and CIDRs (with bigint bounds) get tagged forms.
 */
export function modelToJson(model: Model): unknown {
  return JSON.parse(
    JSON.stringify(model, (_key, value: unknown) => {
      if (value instanceof Map) return { $map: [...value.entries()] };
      if (isCidr(value)) return { $cidr: value.text };
      return value;
    }),
  );
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== "object") return value;
  if ("$map" in value && Array.isArray(value.$map))
    return new Map((value.$map as [unknown, unknown][]).map(([k, v]) => [k, revive(v)]));
  if ("$cidr" in value && typeof value.$cidr === "string") return parseCidr(value.$cidr);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
}

/**
 * Tiers are compared by identity (policies of one tier are consecutive runs of the same Tier object), so equal tiers
 * become one object again, the model's own constants where they match.
 */
function internTiers(model: Model): Model {
  const known = new Map([ADMIN_TIER, DEFAULT_TIER, BASELINE_TIER].map((t) => [JSON.stringify(t), t]));
  const policies = model.policies.map((p) => {
    const key = JSON.stringify(p.tier);
    const tier = known.get(key) ?? p.tier;
    known.set(key, tier);
    return { ...p, tier };
  });
  return { ...model, policies };
}

export function modelFromJson(json: unknown): Model {
  return internTiers(revive(json) as Model);
}

function isCidr(value: unknown): value is Cidr {
  return (
    value !== null &&
    typeof value === "object" &&
    "text" in value &&
    "start" in value &&
    typeof (value as { start: unknown }).start === "bigint"
  );
}
