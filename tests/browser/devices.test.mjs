// The page on a 768×1024 tablet and a 390×844 phone (touch, mobile viewport): nothing scrolls
// sideways, every control is at least 44×44 px, a cell runs from a tap, and the editor keeps
// the caret in view when an on-screen keyboard takes half the screen. Takes docs/tablet.png
// and docs/phone.png (GRADLAB_UPDATE_SCREENSHOT=1 copies them into docs/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import {
  serve,
  launch,
  openPage,
  cell,
  setNotebook,
  waitState,
  editorText,
  outputText,
  SITE,
  ROOT,
  join,
} from './harness.mjs';

/** The smallest touch target (WCAG 2.5.5, Apple's and Google's guidelines). */
const MIN_TARGET_PX = 44;

const CELL = [
  'import torch',
  'import plot',
  'w = torch.tensor([1.5], requires_grad=True)',
  'lr = slider("lr", 0.1, 0.01, 0.5)',
  'for step in range(20):',
  '    loss = ((w * 2 - 1) ** 2).sum()',
  '    loss.backward()',
  '    with torch.no_grad():',
  '        w -= lr * w.grad',
  '    w.grad.zero_()',
  '    plot.live("loss", loss.item())',
  'print(w)',
].join('\n');

for (const device of [
  { name: 'tablet', width: 768, height: 1024 },
  { name: 'phone', width: 390, height: 844 },
]) {
  test(`${device.name} ${device.width}×${device.height}: fits, 44 px targets, runs from a tap, types above a keyboard`, async () => {
    const server = await serve();
    const browser = await launch({
      viewport: { width: device.width, height: device.height },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 1,
    });
    try {
      const { page, problems } = await openPage(browser.context, server.url);
      await setNotebook(page, [CELL, 'print("next")']);
      await cell(page, 0).getByTestId('run-cell').tap();
      assert.equal(await waitState(page, 0, ['done', 'error']), 'done');
      assert.equal(await outputText(page, 0), 'tensor([0.5000], requires_grad=True)\n');
      await page.waitForFunction(() => document.querySelector('[data-testid=chart]')?.dataset.points === '20');

      const fit = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));
      assert.ok(fit.scroll <= fit.width, `the page is ${fit.scroll} px wide on a ${fit.width} px screen`);

      const small = await page.evaluate((min) => {
        const out = [];
        for (const el of document.querySelectorAll('button, .button, select, input:not([type=file])')) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue; // not shown
          if (r.width < min - 0.5 || r.height < min - 0.5)
            out.push(`${el.outerHTML.slice(0, 80)}: ${r.width.toFixed(0)}×${r.height.toFixed(0)}`);
        }
        return out;
      }, MIN_TARGET_PX);
      assert.deepEqual(small, [], 'touch targets under 44×44 px');

      await page.evaluate(() => scrollTo(0, 0));
      await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
      const shot = join(SITE, '..', `${device.name}.png`);
      await page.screenshot({ path: shot });
      if (process.env.GRADLAB_UPDATE_SCREENSHOT) {
        mkdirSync(join(ROOT, 'docs'), { recursive: true });
        copyFileSync(shot, join(ROOT, `docs/${device.name}.png`));
      }

      // An on-screen keyboard: the layout viewport shrinks (interactive-widget=resizes-content)
      // while the student types at the end of the last cell; the caret stays on screen.
      await cell(page, 1).locator('.cm-content').tap();
      await page.setViewportSize({ width: device.width, height: Math.round(device.height * 0.5) });
      await page.keyboard.press('Control+End');
      for (let i = 0; i < 6; i++) await page.keyboard.press('Enter');
      await page.keyboard.type('print("typed on glass")');
      assert.equal(await editorText(page, 1), 'print("next")\n\n\n\n\n\nprint("typed on glass")');
      const caret = await page.evaluate(() => {
        const r = document.querySelector('.cm-focused .cm-cursor-primary')?.getBoundingClientRect();
        return r ? { top: r.top, bottom: r.bottom, height: innerHeight } : null;
      });
      assert.ok(caret, 'the editor shows a caret');
      assert.ok(
        caret.top >= 0 && caret.bottom <= caret.height,
        `caret at ${caret.top}-${caret.bottom} of ${caret.height}`,
      );
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}
