/** A DNS-1123 subdomain usable as metadata.name (lowercase alphanumerics, "-" and "."; at most 253). */
export function policyName(...parts: string[]): string {
  const raw = parts
    .join("-")
    .toLowerCase()
    .replace(/\*/g, "wildcard")
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/-+/g, "-");
  // Each dot-separated label starts and ends with an alphanumeric (DNS-1123).
  const labels = raw
    .split(".")
    .map((l) => l.replace(/^-+|-+$/g, ""))
    .filter((l) => l !== "");
  return (labels.join(".") || "policy").slice(0, 253).replace(/[-.]+$/, "");
}

/** Hands out names unique per namespace: name, name-2, name-3, … */
export class NameRegistry {
  private readonly used = new Set<string>();
  take(namespace: string, name: string): string {
    let candidate = name;
    for (let i = 2; this.used.has(`${namespace}/${candidate}`); i++) candidate = `${name.slice(0, 248)}-${i}`;
    this.used.add(`${namespace}/${candidate}`);
    return candidate;
  }
}
