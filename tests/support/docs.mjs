// The fenced blocks of the README and docs/, as the tests that run them
// read them: a block is found by its language and the text it starts with,
// so a test runs the snippet itself, never a copy.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Every ````lang` block of `file` (relative to the repository), in order. */
export function blocks(file, lang) {
  const text = readFileSync(path.join(repo, file), 'utf8');
  return [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]);
}

/** The ````lang` block of `file` that starts with `first`. */
export function block(lang, first, file = 'README.md') {
  const found = blocks(file, lang).find((b) => b.startsWith(first));
  assert.ok(found, `${file} has a ${lang} block starting ${JSON.stringify(first)}`);
  return found;
}
