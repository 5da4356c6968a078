import { parseCidr } from "../../model/cidr.js";
import { type AddressRanges, blockCoverage } from "../address-set.js";

// Special-purpose IPv4 ranges (RFC 6890 and the IANA registry): never where a public DNS name points.
const SPECIAL = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "224.0.0.0/4",
  "240.0.0.0/4",
];

let cached: AddressRanges | undefined;

/** Every public IPv4 address, as ranges. */
export function publicIpv4(): AddressRanges {
  cached ??= blockCoverage(
    { cidr: parseCidr("0.0.0.0/0"), except: SPECIAL.map((c) => parseCidr(c)) },
    parseCidr("0.0.0.0/0"),
  );
  return cached;
}
