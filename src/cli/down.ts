import { labDown } from "../dataplane/lab-down.js";
import { dataplaneErrors } from "./dataplane-errors.js";

/** `ward down LAB`: removes every namespace, link and table of the lab; a lab that does not exist is not an error. */
export async function down(lab: string): Promise<number> {
  const result = await dataplaneErrors(() => labDown(lab));
  if (!result.found) {
    process.stdout.write(`lab ${lab}: nothing to remove\n`);
    return 0;
  }
  if (result.leftovers.length > 0) {
    process.stderr.write(
      `lab ${lab}: could not delete ${result.leftovers.join(", ")}${result.error ? `: ${result.error}` : ""}; run ward down ${lab} again\n`,
    );
    return 3;
  }
  process.stdout.write(
    `lab ${lab} removed: ${result.deleted.length} namespaces (with their links and nftables tables)${result.responderStopped ? ", responder stopped" : ""}\n`,
  );
  return 0;
}
