import { expressionMatches, formatExpression, type SelectorExpression } from "./selector-expression.js";

export type Labels = Readonly<Record<string, string>>;

export type SelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

export type LabelRequirement = {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
};

/** A Kubernetes LabelSelector; an empty selector (no labels, no expressions) selects everything. */
export type LabelSelector = {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly LabelRequirement[];
  /** A selector expression (Calico), ANDed with the above. */
  readonly expression?: SelectorExpression;
};

export const EVERYTHING: LabelSelector = { matchLabels: {}, matchExpressions: [] };

export function isEmptySelector(selector: LabelSelector): boolean {
  return (
    Object.keys(selector.matchLabels).length === 0 &&
    selector.matchExpressions.length === 0 &&
    (selector.expression === undefined || selector.expression.op === "all")
  );
}

// Semantics from k8s.io/apimachinery/pkg/labels (selector.go): requirements are ANDed;
// NotIn and DoesNotExist match objects that lack the key.
export function requirementMatches(req: LabelRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, req.key);
  switch (req.operator) {
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "In":
      return has && req.values.includes(labels[req.key] as string);
    case "NotIn":
      return !has || !req.values.includes(labels[req.key] as string);
  }
}

export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  if (!selector.matchExpressions.every((req) => requirementMatches(req, labels))) return false;
  return selector.expression === undefined || expressionMatches(selector.expression, labels);
}

export function formatSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions) {
    if (req.operator === "Exists") parts.push(req.key);
    else if (req.operator === "DoesNotExist") parts.push(`!${req.key}`);
    else parts.push(`${req.key} ${req.operator === "In" ? "in" : "notin"} (${req.values.join(",")})`);
  }
  if (selector.expression !== undefined && selector.expression.op !== "all")
    parts.push(formatExpression(selector.expression));
  return parts.length === 0 ? "{} (all)" : parts.join(",");
}
