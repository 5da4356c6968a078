import type { LabelSelector, SelectorOperator } from "../../model/labels.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import type { LabelSelectorData } from "./schemas.js";
import { checkLabels, isLabelValue, isQualifiedName } from "./validate-common.js";

const OPERATORS: readonly string[] = ["In", "NotIn", "Exists", "DoesNotExist"];

/** k8s apimachinery pkg/apis/meta/v1/validation ValidateLabelSelector. */
export function checkSelector(selector: LabelSelectorData, diag: Diagnostics, site: Site, path: Path): void {
  if (selector.matchLabels) checkLabels(selector.matchLabels, diag, site, [...path, "matchLabels"]);
  selector.matchExpressions?.forEach((req, i) => {
    const at = [...path, "matchExpressions", i];
    const values = req.values ?? [];
    // ValidateLabelSelectorRequirement: In/NotIn need values, Exists/DoesNotExist must have none.
    if (req.operator === "In" || req.operator === "NotIn") {
      if (values.length === 0)
        diag.error("invalid-selector", `operator ${req.operator} needs at least one value`, site, [
          ...at,
          req.values === undefined ? "operator" : "values",
        ]);
    } else if (req.operator === "Exists" || req.operator === "DoesNotExist") {
      if (values.length > 0)
        diag.error("invalid-selector", `operator ${req.operator} must not have values`, site, [...at, "values"]);
    } else {
      diag.error(
        "invalid-operator",
        `invalid selector operator "${req.operator}": must be In, NotIn, Exists or DoesNotExist`,
        site,
        [...at, "operator"],
      );
    }
    if (!isQualifiedName(req.key)) diag.error("invalid-label", `invalid label key "${req.key}"`, site, [...at, "key"]);
    values.forEach((v, j) => {
      if (!isLabelValue(v)) diag.error("invalid-label", `invalid label value "${v}"`, site, [...at, "values", j]);
    });
  });
}

/** A checked selector in model form; a missing selector is the empty one (selects everything). */
export function toLabelSelector(selector: LabelSelectorData | undefined): LabelSelector {
  return {
    matchLabels: { ...(selector?.matchLabels ?? {}) },
    matchExpressions: (selector?.matchExpressions ?? []).map((req) => ({
      key: req.key,
      operator: req.operator as SelectorOperator,
      values: req.values ?? [],
    })),
  };
}

export function isKnownOperator(op: string): boolean {
  return OPERATORS.includes(op);
}
