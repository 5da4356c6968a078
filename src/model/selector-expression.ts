import type { Labels } from "./labels.js";

/**
 * A label selector expression (Calico's selector language, docs.tigera.io "NetworkPolicy" → Selectors):
 * `k == 'v'`, `k != 'v'`, `has(k)`, `!has(k)`, `k in {'a','b'}`, `k not in {...}`, `k contains 's'`,
 * `k starts with 's'`, `k ends with 's'`, `all()`, `global()`, `!`, `&&`, `||` and parentheses.
 */
export type SelectorExpression =
  | { readonly op: "all" }
  | { readonly op: "has"; readonly key: string }
  | { readonly op: "eq" | "ne"; readonly key: string; readonly value: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: readonly string[] }
  | { readonly op: "contains" | "starts" | "ends"; readonly key: string; readonly value: string }
  | { readonly op: "not"; readonly expr: SelectorExpression }
  | { readonly op: "and" | "or"; readonly left: SelectorExpression; readonly right: SelectorExpression };

export function expressionMatches(expr: SelectorExpression, labels: Labels): boolean {
  switch (expr.op) {
    case "all":
      return true;
    case "has":
      return Object.hasOwn(labels, expr.key);
    case "eq":
      return Object.hasOwn(labels, expr.key) && labels[expr.key] === expr.value;
    // Calico: `k != 'v'` and `k not in {...}` also match endpoints without the label.
    case "ne":
      return !Object.hasOwn(labels, expr.key) || labels[expr.key] !== expr.value;
    case "in":
      return Object.hasOwn(labels, expr.key) && expr.values.includes(labels[expr.key] as string);
    case "notin":
      return !Object.hasOwn(labels, expr.key) || !expr.values.includes(labels[expr.key] as string);
    case "contains":
      return Object.hasOwn(labels, expr.key) && (labels[expr.key] as string).includes(expr.value);
    case "starts":
      return Object.hasOwn(labels, expr.key) && (labels[expr.key] as string).startsWith(expr.value);
    case "ends":
      return Object.hasOwn(labels, expr.key) && (labels[expr.key] as string).endsWith(expr.value);
    case "not":
      return !expressionMatches(expr.expr, labels);
    case "and":
      return expressionMatches(expr.left, labels) && expressionMatches(expr.right, labels);
    case "or":
      return expressionMatches(expr.left, labels) || expressionMatches(expr.right, labels);
  }
}

const q = (s: string) => `'${s}'`;

export function formatExpression(expr: SelectorExpression): string {
  switch (expr.op) {
    case "all":
      return "all()";
    case "has":
      return `has(${expr.key})`;
    case "eq":
      return `${expr.key} == ${q(expr.value)}`;
    case "ne":
      return `${expr.key} != ${q(expr.value)}`;
    case "in":
      return `${expr.key} in {${expr.values.map(q).join(", ")}}`;
    case "notin":
      return `${expr.key} not in {${expr.values.map(q).join(", ")}}`;
    case "contains":
      return `${expr.key} contains ${q(expr.value)}`;
    case "starts":
      return `${expr.key} starts with ${q(expr.value)}`;
    case "ends":
      return `${expr.key} ends with ${q(expr.value)}`;
    case "not":
      return `!(${formatExpression(expr.expr)})`;
    case "and":
      return `(${formatExpression(expr.left)} && ${formatExpression(expr.right)})`;
    case "or":
      return `(${formatExpression(expr.left)} || ${formatExpression(expr.right)})`;
  }
}
