// The page of `cpe test --coverage --mutate --format html` in a real
// Chromium (tests/e2e/browser.js), as a reviewer reads it: the summary gives
// each policy's coverage and mutants caught; demo.knee's section lists its
// untested edge and surviving mutants with their source places and changes;
// demo.knee_full's section says nothing is untested; every link stays on the
// page and finds its anchor; nothing is loaded from anywhere; axe-core finds
// no serious or critical violation.
// Usage: node test_report_browser.js REPORT.html TMP_DIR [SCREENSHOT_DIR]
'use strict';
const path = require('path');
const { checker, openBrowser, axeScan, shoot } = require('./browser');

const [report, tmp, shots] = process.argv.slice(2);
const { check, failed } = checker();

// The text of a policy's section: its h2 and what follows up to the next h2.
function sectionText(page, id) {
  return page.evaluate((anchor) => {
    const h = document.getElementById(anchor);
    if (!h) return '';
    let text = h.innerText;
    for (let n = h.nextElementSibling; n && n.tagName !== 'H2' && n.tagName !== 'FOOTER'; n = n.nextElementSibling) text += '\n' + n.innerText;
    return text;
  }, id);
}

async function main() {
  const { context, page, elsewhere, errors } = await openBrowser(tmp, { viewport: { width: 1200, height: 1000 } });
  await page.goto('file://' + path.resolve(report));
  check((await page.locator('h1').innerText()) === 'Test evidence', 'the heading');
  check((await page.title()).startsWith('Test evidence — cpe test'), 'the title: ' + (await page.title()));
  const sub = await page.locator('header .sub').innerText();
  check(/^13 tests, all pass · coverage 94\.1% · 26 of 32 mutants caught$/.test(sub), 'the figures under the heading: ' + sub);

  const summary = await page.locator('main table').first().innerText();
  check(/demo\.knee\t6 tests, all pass\t88\.2%\t12 of 16\t4/.test(summary), 'demo.knee in the summary: ' + summary);
  check(/demo\.knee_full\t7 tests, all pass\t100\.0%\t14 of 16\t2/.test(summary), 'demo.knee_full in the summary: ' + summary);

  const knee = await sectionText(page, 'tests-demo-knee');
  check(knee.includes('Untested — a mistake here would pass every test'), 'demo.knee has untested edges: ' + knee.slice(0, 400));
  check(/tests\/e2e\/coverage\/knee\.cpl:15:44: bmi <= 35 \[kg\/m2\]: none above 35 \[kg\/m2\]/.test(knee), 'the untested BMI edge with its place');
  check(/4 mutants survived/.test(knee), 'demo.knee: 4 survivors');
  check(/tests\/e2e\/coverage\/knee\.cpl:15:44\tbmi <= 35 \[kg\/m2\]\t35 → 36/.test(knee), 'the surviving threshold mutant with its place and change');
  const full = await sectionText(page, 'tests-demo-knee_full');
  check(full.includes('Nothing untested'), 'demo.knee_full: nothing untested: ' + full.slice(0, 400));
  check(!full.includes('Untested —') && !full.includes('none above'), 'demo.knee_full lists no gap');

  // A page on its own: its links are anchors on it.
  const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check(hrefs.length === 2, hrefs.length + ' links (one per policy in the summary)');
  for (const href of hrefs) {
    check(href.startsWith('#'), 'a link off the page: ' + href);
    check((await page.locator('[id="' + href.slice(1) + '"]').count()) === 1, 'the anchor of ' + href);
  }
  await axeScan(page, 'the test report', check);
  await page.locator('#tests-demo-knee ~ h3', { hasText: 'Coverage of version' }).first().evaluate((h) => h.scrollIntoView());
  await shoot(page, shots, 'test-report-page');

  check(elsewhere.length === 0, 'requests outside the file: ' + elsewhere.join(', '));
  check(errors.length === 0, 'page errors: ' + errors.join('; '));
  await context.close();
  if (failed()) process.exit(1);
  console.log('test report page: ok');
}

main().catch((e) => { console.log('FAIL: ' + (e && e.stack || e)); process.exit(1); });
