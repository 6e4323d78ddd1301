// The consultation page and the published pages with their test evidence in
// a real Chromium (playwright-core), each scanned by axe-core: no serious or
// critical violation (colour contrast included), nothing loaded from
// anywhere, the content a reader needs, the links between the pages resolve,
// and the bar charts' axes read as distinct whole numbers.
// Usage: node published_pages.js CONSULTATION.html DOC_DIR TMP_DIR [SCREENSHOT_DIR]
'use strict';
const path = require('path');
const browser = require('./browser');

const [consultation, docDir, tmp, shots] = process.argv.slice(2);
const { check, failed } = browser.checker();
const axeScan = (page, screen) => browser.axeScan(page, screen, check);
const shoot = (page, name) => browser.shoot(page, shots, name);

async function main() {
  const { context, page, elsewhere, errors } = await browser.openBrowser(tmp, { viewport: { width: 1200, height: 1500 } });

  // The consultation page: rules first, then the impact.
  await page.goto('file://' + path.resolve(consultation));
  const headings = await page.locator('main h2').allInnerTexts();
  check(headings[0] === 'What changes in the rules' && headings[1] === 'Whom it affects', 'consultation headings: ' + headings.join(' | '));
  const thresholds = await page.locator('h4:has-text("Thresholds") + table').innerText();
  check(/Visual acuity worse than 0\.18 logMAR[\s\S]*above 0\.3 logMAR[\s\S]*above 0\.18 logMAR/.test(thresholds), 'threshold row: ' + thresholds);
  const rules = await page.locator('main').innerText();
  check(rules.includes('New criterion: “Two or more falls in the last year”'), 'the new criterion in words');
  check(rules.includes('Newly asks for: Falls in the last 12 months'), 'the new fact in words');
  // Every chart's axis: distinct whole numbers from 0, increasing.
  const axes = await page.locator('figure.chart svg').evaluateAll((svgs) => svgs.map((s) =>
    [...s.querySelectorAll('text[text-anchor="middle"]')].map((t) => t.textContent)));
  check(axes.length >= 2, axes.length + ' charts');
  for (const ticks of axes) {
    const values = ticks.map((t) => Number(t.replace(/,/g, '')));
    const honest = values[0] === 0 && values.every((v, i) => Number.isInteger(v) && (i === 0 || v > values[i - 1]));
    check(honest, 'axis reads ' + ticks.join(' '));
  }
  await axeScan(page, 'the consultation page');
  await shoot(page, 'consultation-page');
  await page.evaluate(() => document.querySelector('#impact').scrollIntoView());
  await shoot(page, 'consultation-page-impact');

  // The published pages and the test evidence they link to.
  await page.goto('file://' + path.resolve(docDir, 'index.html'));
  await page.click('a[href="tests.html"]');
  check(page.url().endsWith('/tests.html'), 'index links to tests.html: ' + page.url());
  check((await page.locator('h1').innerText()) === 'Test evidence', 'tests.html heading');
  const summary = await page.locator('main table').first().innerText();
  check(/fertility\.ivf\t[0-9]+ tests/.test(summary), 'the summary names fertility.ivf with its tests: ' + summary.slice(0, 300));
  check((await page.locator('h3:has-text("Coverage of version")').count()) > 5, 'coverage sections');
  check((await page.locator('h3:has-text("Mutation testing of version")').count()) > 5, 'mutation sections');
  await axeScan(page, 'tests.html');
  // The screenshot shows a policy's coverage and mutation results (its list of tests is above them).
  await page.locator('#tests-fertility-ivf-hwe ~ h3', { hasText: 'Coverage of version' }).first().evaluate((h) => h.scrollIntoView());
  await shoot(page, 'test-evidence-page');

  await page.goto('file://' + path.resolve(docDir, 'fertility.ivf.html'));
  const evidence = page.locator('dl.facts a[href^="tests.html#"]');
  check((await evidence.count()) === 1, 'the policy page links to its test evidence');
  const href = await evidence.getAttribute('href');
  await evidence.click();
  const anchor = href.split('#')[1];
  check((await page.locator('[id="' + anchor + '"]').count()) === 1, 'the anchor ' + anchor + ' exists on tests.html');
  await page.goto('file://' + path.resolve(docDir, 'fertility.ivf.html'));
  await axeScan(page, 'fertility.ivf.html');
  await page.goto('file://' + path.resolve(docDir, 'index.html'));
  await axeScan(page, 'index.html');

  check(elsewhere.length === 0, 'requests outside the files: ' + elsewhere.join(', '));
  check(errors.length === 0, 'page errors: ' + errors.join('; '));
  await context.close();
  if (failed()) process.exit(1);
  console.log('published pages: ok');
}

main().catch((e) => { console.log('FAIL: ' + (e && e.stack || e)); process.exit(1); });
