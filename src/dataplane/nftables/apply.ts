import { netnsExec } from "../netns/ip.js";

/** Applies an nft script inside a namespace; `nft -f` commits the whole file as one transaction or nothing. */
export async function applyScript(netns: string, script: string): Promise<void> {
  await netnsExec(netns, "nft", ["-f", "-"], script);
}
