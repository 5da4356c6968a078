import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { InputProblem } from "../errors/input-error.js";

export const PEM_EXTENSIONS = /\.(?:pem|crt|cer)$/i;

/** PEM files among the paths: a path with a PEM extension, or PEM files found (recursively, sorted) in directories. */
export async function readPemFiles(
  paths: readonly string[],
  problems: InputProblem[],
): Promise<{ pems: { file: string; text: string }[]; rest: string[] }> {
  const pems: { file: string; text: string }[] = [];
  const rest: string[] = [];
  for (const path of paths) {
    if (path === "-") {
      rest.push(path);
      continue;
    }
    let isDir = false;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch {
      rest.push(path); // the model loader reports it
      continue;
    }
    if (isDir) {
      for (const file of await walk(path)) pems.push({ file, text: await readFile(file, "utf8") });
      rest.push(path);
    } else if (PEM_EXTENSIONS.test(path)) {
      try {
        pems.push({ file: path, text: await readFile(path, "utf8") });
      } catch (error) {
        problems.push({ code: "unreadable", message: `cannot read ${path}: ${String(error)}`, file: path, line: 0 });
      }
    } else rest.push(path);
  }
  return { pems, rest };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(path)));
    else if (e.isFile() && PEM_EXTENSIONS.test(e.name)) out.push(path);
  }
  return out;
}
