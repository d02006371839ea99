// Prints, as JSON, what web/lessons/course.js makes of every lesson and exercise, the check
// cell it builds for each exercise from a sample output, and its verdicts on sample check
// outputs. run.py compares all of it with course.py (the same functions in Python).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  buildCheckCell,
  MAX_CHECK_OUTPUT_CHARS,
  newToken,
  parseExercise,
  parseLesson,
  readVerdict,
} from '../../web/lessons/course.js';

const lessonsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'lessons');
const read = (f) => readFileSync(join(lessonsDir, f), 'utf8');
const index = JSON.parse(read('index.json'));
const prelude = read(index.prelude);

const token = newToken();
if (!/^[0-9a-f]{32}$/.test(token)) throw new Error(`bad token ${token}`);
// Quotes, backslashes, control characters, non-ASCII and an astral character, and more than
// the limit, so the truncation is exercised too.
const output = 'x'.repeat(MAX_CHECK_OUTPUT_CHARS) + 'tensor([1., 2.])\n"q" \\ \t\b\f\r\x01\x7f é ☃ 😀\n';

const result = { lessons: {}, exercises: {}, cells: {}, samples: { token, output }, verdicts: [] };
for (const lesson of index.lessons) {
  result.lessons[lesson.id] = parseLesson(read(lesson.file));
  for (const e of lesson.exercises) {
    const ex = parseExercise(read(e.file));
    result.exercises[e.id] = ex;
    result.cells[e.id] = buildCheckCell(prelude, ex.check, output, token);
  }
}
const t = 'ab'.repeat(16);
for (const text of [
  `hello\n\x1e${t} PASS\n`,
  `\n\x1e${t} FAIL\n\`x\` is wrong\nline 2\n\x1e${t} END\n`,
  `\n\x1e${t} PASS\nmore\n`,
  `\n\x1e${'cd'.repeat(16)} PASS\n`,
  `\n\x1e${t} FAIL\nno end\n`,
  `\n\x1e${t} FAIL\nm\n\x1e${t} PASS\n\x1e${t} END\n`,
  '',
]) {
  result.verdicts.push({ text, token: t, verdict: readVerdict(text, t) });
}
process.stdout.write(JSON.stringify(result));
