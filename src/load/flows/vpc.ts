import { isValidIp } from "../../model/cidr.js";
import type { Protocol } from "../../model/ports.js";
import type { Flow } from "./flow.js";
import type { Skip } from "./hubble.js";

// IANA protocol numbers (https://www.iana.org/assignments/protocol-numbers): the ones NetworkPolicy can name.
const PROTOCOLS: Record<string, Protocol> = { "6": "TCP", "17": "UDP", "132": "SCTP" };

/**
 * One AWS VPC flow log record in the default (version 2) format, fields separated by spaces:
 * version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status.
 * NODATA and SKIPDATA records carry "-" fields and no flow: skipped, as is the header line.
 */
export function parseVpc(text: string, file: string, line: number): Flow | Skip | string {
  const f = text.trim().split(/\s+/);
  if (f[0] === "version") return { skip: "header" };
  if (f.length !== 14) return `expected the 14 fields of a version 2 VPC flow log record, got ${f.length}`;
  const [version, , , src, dst, srcport, dstport, proto, , , , , action, status] = f as [string, ...string[]];
  if (version !== "2") return `unsupported flow log version "${version}" (only the default version 2 format is read)`;
  if (status === "NODATA" || status === "SKIPDATA") return { skip: status };
  if (status !== "OK") return `unknown log-status "${status}"`;
  if (action !== "ACCEPT" && action !== "REJECT") return `unknown action "${action}"`;
  if (!src || !isValidIp(src)) return `invalid srcaddr "${src}"`;
  if (!dst || !isValidIp(dst)) return `invalid dstaddr "${dst}"`;
  const protocol = PROTOCOLS[proto ?? ""];
  if (!protocol) return { skip: `protocol ${proto}` };
  const port = Number(dstport);
  if (!/^\d+$/.test(dstport ?? "") || port < 1 || port > 65535) return `invalid dstport "${dstport}"`;
  return {
    from: { ip: src },
    to: { ip: dst },
    port,
    ...(/^\d+$/.test(srcport ?? "") ? { sourcePort: Number(srcport) } : {}),
    protocol,
    verdict: action === "ACCEPT" ? "allowed" : "denied",
    format: "vpc",
    file,
    line,
  };
}
