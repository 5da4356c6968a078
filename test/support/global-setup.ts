import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * End-to-end tests drive the built CLI: build once so they never run a stale dist/. tsc emits even when some
 * file has type errors; those fail `npm run typecheck` (its own CI step), not every test here.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const r = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0)
    process.stderr.write(`warning: tsc reported errors while building dist/:\n${r.stdout}${r.stderr}\n`);
}
