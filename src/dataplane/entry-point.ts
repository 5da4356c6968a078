import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type EntryPoint = "server/responder" | "server/socket-maker" | "probe/agent";

/**
 * The compiled script of an entry point, to run with node inside a namespace or as the lab's daemon. Running from
 * the TypeScript sources (the tests), it is the build in dist/, which test/support/global-setup.ts makes first.
 */
export function entryPoint(name: EntryPoint): string {
  const beside = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL(`../../dist/src/dataplane/${name}.js`, import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`cannot find ${name}.js next to ${fileURLToPath(import.meta.url)} or in dist/: run npm run build`);
}
