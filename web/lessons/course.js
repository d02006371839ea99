// The course as data: parsing lesson and exercise files, and the exercise check protocol
// (web/lessons/README.md). Plain functions with no DOM and no imports, for the page to use.
// tests/exercises/run.py implements the same functions in Python and, when node is
// available, compares the two on every lesson and exercise (tests/exercises/parity.mjs).

/** Characters (code points) of the student's output passed to a check (the end is kept). */
export const MAX_CHECK_OUTPUT_CHARS = 100000;

/** The exercise sections, in the order they must appear. */
export const EXERCISE_SECTIONS = ['Statement', 'Starter', 'Hint', 'Solution', 'Check'];

const FENCE = /^```/;

/**
 * Splits a lesson into cells: Markdown text, and a code cell for each ```python block.
 * Other fenced blocks (```text) stay inside the Markdown as static code.
 * @param {string} source the lesson file
 * @returns {{type: 'markdown'|'code', text: string}[]}
 */
export function parseLesson(source) {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const cells = [];
  let md = [];
  const flushMarkdown = () => {
    const text = md.join('\n').trim();
    if (text) cells.push({ type: 'markdown', text });
    md = [];
  };
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '```python') {
      const code = [];
      i++;
      while (i < lines.length && lines[i] !== '```') code.push(lines[i++]);
      if (i === lines.length) throw new Error(`unclosed \`\`\`python block`);
      flushMarkdown();
      cells.push({ type: 'code', text: code.join('\n') });
    } else if (FENCE.test(lines[i])) {
      md.push(lines[i++]);
      while (i < lines.length && lines[i] !== '```') md.push(lines[i++]);
      if (i === lines.length) throw new Error('unclosed ``` block');
      md.push(lines[i]);
    } else {
      md.push(lines[i]);
    }
  }
  flushMarkdown();
  return cells;
}

/**
 * Parses an exercise file: `# Title`, then `## Statement`, `## Starter`, one or more
 * `## Hint`, `## Solution`, `## Check`. Starter, Solution and Check hold one ```python block.
 * @param {string} source the exercise file
 * @returns {{title: string, statement: string, starter: string, hints: string[],
 *            solution: string, check: string}}
 */
export function parseExercise(source) {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  if (!lines[0].startsWith('# ')) throw new Error('an exercise starts with "# Title"');
  const title = lines[0].slice(2).trim();
  const sections = [];
  let inFence = false;
  for (const line of lines.slice(1)) {
    if (FENCE.test(line)) inFence = !inFence;
    if (!inFence && line.startsWith('## ')) {
      sections.push({ name: line.slice(3).trim(), lines: [] });
    } else if (sections.length) {
      sections[sections.length - 1].lines.push(line);
    } else if (line.trim()) {
      throw new Error(`text before the first section: ${line}`);
    }
  }
  // Statement, Starter, Hint+, Solution, Check: exactly this sequence.
  const names = sections.map((s) => s.name);
  const shape = names.join(',').replace(/(Hint,)+Hint/g, 'Hint');
  if (shape !== EXERCISE_SECTIONS.join(','))
    throw new Error(`sections must be ${EXERCISE_SECTIONS.join(', ')} (Hint repeated), got ${names.join(', ')}`);
  const text = (s) => s.lines.join('\n').trim();
  const code = (s) => {
    const body = text(s).split('\n');
    if (
      body[0] !== '```python' ||
      body[body.length - 1] !== '```' ||
      body.length < 2 ||
      body.slice(1, -1).some((l) => FENCE.test(l))
    )
      throw new Error(`section ${s.name} must hold exactly one \`\`\`python block`);
    return body.slice(1, -1).join('\n');
  };
  const get = (n) => sections.find((s) => s.name === n);
  return {
    title,
    statement: text(get('Statement')),
    starter: code(get('Starter')),
    hints: sections.filter((s) => s.name === 'Hint').map(text),
    solution: code(get('Solution')),
    check: code(get('Check')),
  };
}

/**
 * A fresh verdict token: 32 hex digits from the browser's CSPRNG.
 * @returns {string}
 */
export function newToken() {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The source of the check cell, run in the same session right after the student's cell.
 * @param {string} prelude check_prelude.py
 * @param {string} check the exercise's Check code (defines `_check(out)`)
 * @param {string} studentOutput the text the student's cell printed (text events only)
 * @param {string} token from newToken(), kept by the page until the verdict is read
 * @returns {string}
 */
export function buildCheckCell(prelude, check, studentOutput, token) {
  if (!/^[0-9a-f]{16,64}$/.test(token)) throw new Error('token must be 16-64 hex digits');
  const chars = Array.from(studentOutput); // code points, never half a surrogate pair
  const out =
    chars.length > MAX_CHECK_OUTPUT_CHARS ? chars.slice(chars.length - MAX_CHECK_OUTPUT_CHARS).join('') : studentOutput;
  // JSON.stringify's escapes (\" \\ \n \r \t \b \f \uXXXX) are valid in a gradlab string.
  return (
    `${prelude.replace(/\n*$/, '\n')}\n${check.replace(/\n*$/, '\n')}\n` +
    `_chk_finish("${token}", ${JSON.stringify(out)})\n`
  );
}

/**
 * Reads the verdict from everything the check cell printed (its text events, joined).
 * Anything printed without the token (the student's code runs during some checks) is ignored.
 * @param {string} checkOutput
 * @param {string} token
 * @returns {{status: 'pass'|'fail'|'incomplete', message: string}}
 */
export function readVerdict(checkOutput, token) {
  const mark = `\n\x1e${token} `;
  const at = checkOutput.indexOf(mark);
  const rest = at < 0 ? '' : checkOutput.slice(at + mark.length);
  if (rest === 'PASS\n') return { status: 'pass', message: '' };
  const end = `${mark}END\n`;
  if (rest.startsWith('FAIL\n') && rest.endsWith(end)) {
    const message = rest.slice('FAIL\n'.length, rest.length - end.length);
    if (!message.includes(mark)) return { status: 'fail', message };
  }
  return { status: 'incomplete', message: INCOMPLETE };
}

/** The message when the check cell ended without a verdict (error, exit(), Stop). */
export const INCOMPLETE =
  'The check did not finish: something stopped it while it was running your code (exit(), the Stop button, or a time limit).';
