import { writeFileSync } from "node:fs";
import { RULES } from "./registry.js";
import { rulesMarkdown } from "./rules-doc.js";

/** Writes docs/rules.md (run from the repository root: `npm run docs:rules`). */
writeFileSync("docs/rules.md", rulesMarkdown(RULES));
process.stdout.write(`docs/rules.md: ${RULES.length} rules\n`);
