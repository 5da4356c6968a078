/**
 * An L7 request, as given on the command line (--method, --path, --host, --header k=v). Every field is optional:
 * what is not given is left open, and an evaluator answers whether some request with the given fields is allowed.
 * Header names are lower-cased (HTTP header names are case-insensitive, RFC 9110 §5.1).
 */
export type Request = {
  readonly method?: string;
  readonly path?: string;
  readonly host?: string;
  readonly headers: Readonly<Record<string, string>>;
};

export const ANY_REQUEST: Request = { headers: {} };

export function isOpenRequest(r: Request): boolean {
  return r.method === undefined && r.path === undefined && r.host === undefined && Object.keys(r.headers).length === 0;
}

/** "GET /api host=x h:v" for explanations. */
export function formatRequest(r: Request): string {
  const parts: string[] = [];
  if (r.method !== undefined) parts.push(r.method);
  if (r.path !== undefined) parts.push(r.path);
  if (r.host !== undefined) parts.push(`host ${r.host}`);
  for (const [k, v] of Object.entries(r.headers)) parts.push(`${k}: ${v}`);
  return parts.length === 0 ? "any request" : parts.join(" ");
}

/** Parses repeated `--header name=value` (or `name:value`) flags. Returns undefined entries as problems. */
export function parseHeaders(values: readonly string[]): { headers: Record<string, string>; bad: string[] } {
  const headers: Record<string, string> = {};
  const bad: string[] = [];
  for (const v of values) {
    const i = v.search(/[=:]/);
    if (i <= 0) {
      bad.push(v);
      continue;
    }
    headers[v.slice(0, i).trim().toLowerCase()] = v.slice(i + 1).trim();
  }
  return { headers, bad };
}
