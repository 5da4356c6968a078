import { PROTOCOLS, type Protocol } from "../../model/ports.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";

// Name and label syntax from k8s.io/apimachinery/pkg/util/validation (validation.go).
const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && DNS1035_LABEL.test(s);
}

/** A label key: an optional DNS subdomain prefix and "/", then a name of at most 63 characters (IsQualifiedName). */
export function isQualifiedName(s: string): boolean {
  const parts = s.split("/");
  let name: string;
  if (parts.length === 1) name = parts[0] as string;
  else if (parts.length === 2) {
    const prefix = parts[0] as string;
    if (prefix.length === 0 || !isDns1123Subdomain(prefix)) return false;
    name = parts[1] as string;
  } else return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

/** A label value: empty, or at most 63 characters of the qualified-name alphabet (IsValidLabelValue). */
export function isLabelValue(s: string): boolean {
  return s === "" || (s.length <= 63 && QUALIFIED_NAME_PART.test(s));
}

/** IANA_SVC_NAME (IsValidPortName): ≤ 15 of a-z 0-9 "-", at least one letter, no leading, trailing or double "-". */
export function isValidPortName(s: string): boolean {
  return (
    s.length > 0 &&
    s.length <= 15 &&
    /^[-a-z0-9]+$/.test(s) &&
    /[a-z]/.test(s) &&
    !s.includes("--") &&
    !s.startsWith("-") &&
    !s.endsWith("-")
  );
}

/** IsValidPortNum: 1..65535. */
export function isValidPortNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

export function isProtocol(s: string): s is Protocol {
  return (PROTOCOLS as readonly string[]).includes(s);
}

/** Checks a protocol field; returns the protocol, TCP when absent (the API server's default). */
export function checkProtocol(value: string | undefined, diag: Diagnostics, site: Site, path: Path): Protocol {
  if (value === undefined) return "TCP";
  if (isProtocol(value)) return value;
  diag.error("invalid-protocol", `unsupported protocol "${value}": must be TCP, UDP or SCTP`, site, path);
  return "TCP";
}

/** A port number field: an integer 1..65535. */
export function checkPortNumber(value: number, diag: Diagnostics, site: Site, path: Path): void {
  if (!Number.isInteger(value)) diag.error("invalid-type", `port ${value} is not an integer`, site, path);
  else if (!isValidPortNumber(value))
    diag.error("port-out-of-range", `port ${value} is out of range: must be between 1 and 65535`, site, path);
}

export function checkPortName(value: string, diag: Diagnostics, site: Site, path: Path): void {
  if (!isValidPortName(value)) {
    diag.error(
      "invalid-port-name",
      `invalid port name "${value}": must be at most 15 characters of a-z, 0-9 and "-", with at least one letter, no leading, trailing or consecutive "-"`,
      site,
      path,
    );
  }
}

// Label keys and values repeat across thousands of pods: remember the valid ones.
const VALID_KEYS = new Set<string>();
const VALID_VALUES = new Set<string>();
const MEMO_LIMIT = 100_000;

function remember(set: Set<string>, s: string): void {
  if (set.size >= MEMO_LIMIT) set.clear();
  set.add(s);
}

/** Label keys and values (ValidateLabels). */
export function checkLabels(labels: Record<string, string>, diag: Diagnostics, site: Site, path: Path): void {
  for (const key in labels) {
    const value = labels[key] as string;
    if (!VALID_KEYS.has(key)) {
      if (!isQualifiedName(key)) {
        diag.error("invalid-label", `invalid label key "${key}"`, site, [...path, key]);
        continue;
      }
      remember(VALID_KEYS, key);
    }
    if (!VALID_VALUES.has(value)) {
      if (!isLabelValue(value)) {
        diag.error("invalid-label", `invalid value "${value}" for label "${key}"`, site, [...path, key]);
        continue;
      }
      remember(VALID_VALUES, value);
    }
  }
}
