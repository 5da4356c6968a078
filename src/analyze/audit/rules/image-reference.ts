/** An image reference as Kyverno sees it: registry/path:tag or registry/path@digest. */
export type ImageRef = {
  readonly registry: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
};

// Kyverno pkg/utils/image GetImageInfo: the default registry docker.io is added when the first path component has
// no "." or ":" and is not "localhost" (no "library/" is added); the tag defaults to "latest" when there is neither
// tag nor digest; String() is registry/path@digest when a digest is given, else registry/path:tag.
export function parseImage(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  const hasRegistry = slash >= 0 && (/[.:]/.test(first) || first === "localhost");
  const registry = hasRegistry ? first : "docker.io";
  const path = hasRegistry ? rest.slice(slash + 1) : rest;
  if (tag === undefined && digest === undefined) tag = "latest";
  return {
    registry,
    path,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

export function imageString(ref: ImageRef): string {
  return ref.digest !== undefined
    ? `${ref.registry}/${ref.path}@${ref.digest}`
    : `${ref.registry}/${ref.path}:${ref.tag}`;
}

// Kyverno ext/wildcard Match: "*" matches any run of characters (including none), "?" exactly one.
export function wildcardMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "s",
  );
  return re.test(text);
}
