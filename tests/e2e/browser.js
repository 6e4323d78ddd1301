// What every page test shares: Debian's Chromium driven by playwright-core
// with a fresh profile, a record of requests that leave the page (a
// generated page is self-contained) and of script errors, and the axe-core
// scan (WCAG 2.2 AA and best practice; any serious or critical violation
// fails, and colour contrast must have been checked).
// Used by published_pages.js, test_report_browser.js and triage_page.js.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// `check(cond, what)` prints a failure and counts each; `failed()` says
// whether any failed, `counts()` how many passed and failed.
function checker() {
  let failures = 0, passes = 0;
  return {
    check(cond, what) {
      if (cond) { passes++; return; }
      failures++;
      console.log('FAIL: ' + what);
    },
    failed: () => failures > 0,
    counts: () => ({ passes, failures }),
  };
}

// A fresh profile under `tmp` each run (launchPersistentContext is how
// playwright takes --user-data-dir). `allowed(url)` says which requests are
// the page's own (default: files and data: URLs); the others are listed in
// `elsewhere`.
async function openBrowser(tmp, { viewport = { width: 1200, height: 1500 }, allowed } = {}) {
  const context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(tmp, 'chromium-')), {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport,
  });
  const own = allowed || ((url) => url.startsWith('file:') || url.startsWith('data:'));
  const elsewhere = [];
  context.on('request', (r) => { if (!own(r.url())) elsewhere.push(r.url()); });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, elsewhere, errors };
}

async function axeScan(page, screen, check) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, 'axe on ' + screen + ': ' + bad.map((v) => v.id + ' (' + v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ') + ')').join('; '));
  const contrast = result.passes.find((v) => v.id === 'color-contrast');
  check(contrast && contrast.nodes.length > 0, 'axe checked colour contrast on ' + screen);
}

// The visible part of the page as DIR/NAME.png; nothing without a DIR.
async function shoot(page, dir, name) {
  if (!dir) return;
  await page.screenshot({ path: path.join(dir, name + '.png'), fullPage: false });
}

module.exports = { checker, openBrowser, axeScan, shoot };
