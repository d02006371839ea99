// Builds the page into a static site folder: esbuild bundles web/src/app.js (and its CSS),
// index.html and the icon are copied, and the wasm module and its worker are copied from the
// wasm build. The course (web/lessons/: index.json, the lessons, the exercises and the check
// prelude) goes into lessons/course.json with its math already rendered: KaTeX turns every
// `$...$` and `$$...$$` into MathML here, at build time, so the page ships no KaTeX (a TeX error
// fails the build). The page fetches the course only when a lesson is opened (lessonview.js is a
// chunk of its own). Prints each file's size and the gzip total (the page must stay under 1 MB).
//
//   node web/build.mjs [--out DIR] [--wasm DIR] [--lessons DIR] [--wasm-optional]
//     --out   the site folder (default build/wasm/site)
//     --wasm  where gradlab.mjs, gradlab.wasm and worker.mjs are (default build/wasm/wasm);
//             every .mjs and .wasm there is copied (the worker imports its driver.mjs)
//     --lessons  the course to bundle (default web/lessons; a test builds a broken copy)
//     --wasm-optional  build the page even when the module is missing (the page then says the
//                      session failed to start); without it a missing module is an error
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { parseExercise, parseLesson } from './lessons/course.js';
import { COURSE_MATH_FILE, REFUSED_MATH_ATTRIBUTE, mathKey, mathSpans } from './src/markdown.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? resolve(args[i + 1]) : dflt;
};
const out = opt('--out', join(root, 'build/wasm/site'));
const wasmDir = opt('--wasm', join(root, 'build/wasm/wasm'));
const lessonsDir = opt('--lessons', join(root, 'web/lessons'));
const wasmOptional = args.includes('--wasm-optional');

/** The module and its worker, which the page cannot run code without. */
export const MODULE_FILES = ['gradlab.mjs', 'gradlab.wasm', 'worker.mjs'];
/**
 * The page's budget over the wire, gzip. The issue says "all assets ≤ 1 MB gzip"; 10^6 bytes
 * is the stricter reading of "1 MB" (1 MiB would be 1,048,576), so the page meets either.
 * tests/browser/page.test.mjs checks the same number.
 */
export const GZIP_BUDGET = 1_000_000;

let esbuild;
let katex;
try {
  esbuild = await import('esbuild');
  katex = (await import('katex')).default; // build time only: the page gets the MathML it writes
} catch {
  console.error('web/build.mjs: esbuild or katex is not installed; run `npm ci` at the repository root');
  process.exit(1);
}

const missing = MODULE_FILES.filter((f) => !existsSync(join(wasmDir, f)));
if (missing.length && !wasmOptional) {
  console.error(`web/build.mjs: missing from ${wasmDir}: ${missing.join(', ')} (build the wasm preset first)`);
  process.exit(1);
}

// NOTE: CodeMirror's style-mod puts its CSS in a <style> element when it styles a document,
// and the page's Content-Security-Policy (style-src 'self', no 'unsafe-inline') blocks that.
// It already uses a constructable stylesheet (document.adoptedStyleSheets, which CSP does not
// restrict) for shadow roots; this makes it do the same for the document.
const STYLE_MOD_FROM = 'if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet)';
const styleModAdopted = {
  name: 'style-mod-adopted-sheets',
  setup(b) {
    b.onLoad({ filter: /[\\/]style-mod[\\/]src[\\/]style-mod\.js$/ }, async (a) => {
      const src = await readFile(a.path, 'utf8');
      if (!src.includes(STYLE_MOD_FROM)) throw new Error(`style-mod changed: no "${STYLE_MOD_FROM}" in ${a.path}`);
      return {
        contents: src.replace(STYLE_MOD_FROM, 'if (root.adoptedStyleSheets && win.CSSStyleSheet)'),
        loader: 'js',
      };
    });
  },
};

// The course first: a TeX error stops the build before anything is written.
let course;
try {
  course = bundleCourse(lessonsDir);
} catch (e) {
  console.error(e.message); // a TeX error in a lesson, or a malformed exercise
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await esbuild.build({
  absWorkingDir: root,
  metafile: true,
  entryPoints: { app: 'web/src/app.js' },
  bundle: true,
  splitting: true, // lessonview.js is imported on demand, as a chunk of its own
  minify: true,
  format: 'esm',
  target: ['chrome111', 'firefox113', 'safari16.4'],
  outdir: out,
  logLevel: 'warning',
  legalComments: 'eof',
  plugins: [styleModAdopted],
});
// A chunk's CSS (uPlot's, imported by modules both app.js and lessonview.js use) is already in
// app.css, which the page always loads; nothing links the chunk's copy, so it is not shipped.
const appCss = readFileSync(join(out, 'app.css'), 'utf8');
for (const f of Object.keys(result.metafile.outputs)) {
  if (!/\.css$/.test(f) || resolve(root, f) === join(out, 'app.css')) continue;
  if (!appCss.includes(readFileSync(resolve(root, f), 'utf8').trim()))
    throw new Error(`web/build.mjs: ${f} holds CSS that app.css does not; the page would not load it`);
  rmSync(resolve(root, f));
}
for (const f of ['index.html', 'favicon.svg']) copyFileSync(join(root, 'web/src', f), join(out, f));
writeFileSync(join(out, 'licenses.txt'), thirdPartyLicenses(result.metafile));
if (existsSync(wasmDir)) {
  for (const f of readdirSync(wasmDir)) {
    if (/\.(mjs|wasm)$/.test(f)) copyFileSync(join(wasmDir, f), join(out, f));
  }
}
mkdirSync(join(out, 'lessons'));
writeFileSync(join(out, 'lessons/course.json'), course);
if (missing.length) console.warn(`web/build.mjs: WARNING: no ${missing.join(', ')}: the page cannot run code`);
await writeServiceWorker(result.metafile);

let raw = 0;
let gz = 0;
const rows = [];
const folders = new Map();
for (const f of siteFiles(out)) {
  const bytes = readFileSync(join(out, f));
  const g = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += g;
  const folder = f.includes('/') ? `${f.slice(0, f.indexOf('/'))}/` : '';
  if (folder) {
    const sum = folders.get(folder) ?? { n: 0, raw: 0, gz: 0 };
    folders.set(folder, { n: sum.n + 1, raw: sum.raw + bytes.length, gz: sum.gz + g });
  } else {
    rows.push(`  ${f.padEnd(22)} ${String(bytes.length).padStart(9)} B  ${String(g).padStart(8)} B gzip`);
  }
}
for (const [folder, sum] of folders)
  rows.push(
    `  ${`${folder} (${sum.n} files)`.padEnd(22)} ${String(sum.raw).padStart(9)} B  ${String(sum.gz).padStart(8)} B gzip`,
  );
console.log(
  `gradlab site: ${out}\n${rows.join('\n')}\n  ${'total'.padEnd(22)} ${String(raw).padStart(9)} B  ${String(gz).padStart(8)} B gzip`,
);
// Over budget is a warning here (the build of the module must not break on it); the browser
// test `everything served weighs at most 1 MB gzip` fails on it.
if (gz > GZIP_BUDGET)
  console.warn(`web/build.mjs: WARNING: the page is ${gz} B gzip, over its budget of ${GZIP_BUDGET} B`);

/**
 * Bundles web/src/sw.js into sw.js at the site root, last (it hashes every other file): its
 * version is a hash of the whole site and its shell is what the page loads before it is usable
 * (index.html, app.js, app.css, app.js's static chunks, the worker and the module).
 * @param {import('esbuild').Metafile} metafile
 */
async function writeServiceWorker(metafile) {
  const rel = (f) => resolve(root, f).slice(out.length + 1);
  const shell = new Set(['./', 'index.html', 'app.css', 'favicon.svg']);
  const visit = (f) => {
    if (shell.has(rel(f))) return;
    shell.add(rel(f));
    for (const i of metafile.outputs[f]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  const appJs = Object.keys(metafile.outputs).find((f) => resolve(root, f) === join(out, 'app.js'));
  if (!appJs) throw new Error('web/build.mjs: esbuild wrote no app.js');
  visit(appJs);
  for (const f of readdirSync(out)) if (/\.(mjs|wasm)$/.test(f)) shell.add(f);
  const hash = createHash('sha256');
  for (const f of siteFiles(out)) hash.update(`${f}\0`).update(readFileSync(join(out, f)));
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['web/src/sw.js'],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome111', 'firefox113', 'safari16.4'],
    outfile: join(out, 'sw.js'),
    logLevel: 'warning',
    define: {
      GRADLAB_VERSION: JSON.stringify(hash.digest('hex').slice(0, 16)),
      GRADLAB_SHELL: JSON.stringify([...shell].sort()),
    },
  });
}

/**
 * Every file under `dir`, as paths relative to it, sorted.
 * @param {string} dir
 * @returns {string[]}
 */
function siteFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/**
 * What the page reads of the course (index.json, check_prelude.py, every lesson and every
 * exercise; course.js is bundled, README.md stays behind) as one file, lessons/course.json:
 * `{"files": {"<path relative to web/lessons>": "<text>"}}`. One request instead of thirty,
 * and gzip finds the repetition across files (29 KB instead of 38 KB). The course's math, as
 * MathML, is one more "file" there (COURSE_MATH_FILE, see courseMath).
 * @param {string} from web/lessons
 * @returns {string} the text of course.json
 */
function bundleCourse(from) {
  /** @type {Record<string, string>} */
  const files = {};
  for (const f of readdirSync(from).sort()) {
    if (f === 'index.json' || f === 'check_prelude.py' || (/\.md$/.test(f) && f !== 'README.md'))
      files[f] = readFileSync(join(from, f), 'utf8');
  }
  for (const f of readdirSync(join(from, 'exercises')).sort()) {
    if (/\.md$/.test(f)) files[`exercises/${f}`] = readFileSync(join(from, 'exercises', f), 'utf8');
  }
  if (Object.hasOwn(files, COURSE_MATH_FILE) || existsSync(join(from, COURSE_MATH_FILE)))
    throw new Error(`web/build.mjs: ${join(from, COURSE_MATH_FILE)} would clash with the course's rendered math`);
  files[COURSE_MATH_FILE] = JSON.stringify(courseMath(from, files));
  return JSON.stringify({ files });
}

/**
 * Every formula of the course rendered once, here, with KaTeX: the math of each lesson's
 * Markdown and each exercise's statement and hints, found by the page's own Markdown rules
 * (`mathSpans`, web/src/markdown.js), as MathML (which browsers typeset with their own math
 * fonts: no stylesheet, fonts or inline styles for the CSP to allow). A TeX error, or markup
 * the lesson view would refuse, stops the build with the file and the TeX.
 * @param {string} from web/lessons (for messages)
 * @param {Record<string, string>} files  the course, by path relative to it
 * @returns {Record<string, string>} {mathKey(tex, display): MathML}, sorted by key
 */
function courseMath(from, files) {
  /** @type {Map<string, string>} */
  const math = new Map();
  for (const [path, text] of Object.entries(files)) {
    if (!/\.md$/.test(path)) continue;
    let markdown;
    try {
      markdown = path.startsWith('exercises/')
        ? (({ statement, hints }) => [statement, ...hints])(parseExercise(text))
        : parseLesson(text)
            .filter((p) => p.type === 'markdown')
            .map((p) => p.text);
    } catch (e) {
      throw new Error(`web/build.mjs: ${relative(root, join(from, path))}: ${e.message}`);
    }
    for (const { tex, display } of markdown.flatMap((t) => mathSpans(t))) {
      const key = mathKey(tex, display);
      if (math.has(key)) continue;
      const what = `${relative(root, join(from, path))}: ${display ? `$$${tex}$$` : `$${tex}$`}`;
      let html;
      try {
        html = katex.renderToString(tex, {
          output: 'mathml',
          displayMode: display,
          throwOnError: true,
          strict: 'ignore',
          trust: false, // no \href, \url, \htmlData
        });
      } catch (e) {
        throw new Error(`web/build.mjs: a TeX error in ${what}\n  ${e.message}`);
      }
      for (const [, name] of html.matchAll(/\s([^\s=<>"]+)="/g))
        if (REFUSED_MATH_ATTRIBUTE.test(name))
          throw new Error(`web/build.mjs: KaTeX wrote a ${name} attribute, which the page refuses, for ${what}`);
      math.set(key, html);
    }
  }
  return Object.fromEntries([...math].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The notices of the npm packages bundled into app.js (all MIT today): each package with its
 * copyright line, then each distinct license text once.
 * @param {import('esbuild').Metafile} metafile
 */
function thirdPartyLicenses(metafile) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m && bytesInOutput > 0) dirs.add(m[1]);
    }
  }
  const groups = new Map();
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(root, dir)).find((f) => /^licen[cs]e/i.test(f));
    if (!file) throw new Error(`web/build.mjs: ${pkg.name} ships no LICENSE file`);
    const text = readFileSync(join(root, dir, file), 'utf8');
    const copyright = text.split('\n').filter((l) => /^\s*copyright/i.test(l));
    const body = text
      .split('\n')
      .filter((l) => !copyright.includes(l) && !/^\s*MIT License\s*$/.test(l))
      .join('\n')
      .replace(/\s+/g, ' ')
      .trim();
    if (!groups.has(body)) groups.set(body, []);
    groups.get(body).push(`${pkg.name} ${pkg.version} (${pkg.license}): ${copyright.map((l) => l.trim()).join(' ')}`);
  }
  const parts = ['Third-party software in app.js and its chunks:'];
  for (const [body, names] of groups) parts.push('', ...names, '', body.replace(/(.{1,78})(\s|$)/g, '$1\n').trim());
  return `${parts.join('\n')}\n`;
}
