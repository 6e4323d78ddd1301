// The case audit's report.html in headless Chromium (playwright-core and
// axe-core from tests/node), checked as a reader would see it:
//  * nothing is requested from outside the file, and no script fails;
//  * "generated" (case_report_browser.sh's cases): the compliance funnel is
//    drawn at a readable size with RA8 labelled beyond its limits and flagged
//    low in the table, the undetermined cases are listed with their ids and
//    the missing fact, and the facts most often missing name ome_bilateral;
//  * "small" (audit/tests/data/cases_small.ndjson): small counts show as *,
//    and the not eligible cases are still listed by id with their reasons;
//  * the tables sort, nothing overflows sideways, axe-core finds no critical fault.
// Usage: node case_report_browser.js REPORT.html SCREENSHOT.png generated|small
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

function fail(message) {
  console.error('case_report_browser: ' + message);
  process.exit(1);
}

let chromium, axeSource;
try {
  chromium = require('playwright-core').chromium;
  axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (e) {
  fail('playwright-core or axe-core is missing (NODE_PATH=' + (process.env.NODE_PATH || '') + '): run make setup-test');
}

const [report, screenshot, which] = process.argv.slice(2);
if (!report || !screenshot || !['generated', 'small'].includes(which))
  fail('usage: case_report_browser.js REPORT.html SCREENSHOT.png generated|small');

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-case-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: {width: 1240, height: 900},
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  try {
    const page = context.pages()[0] || await context.newPage();
    const outside = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    page.on('pageerror', (e) => problems.push('script error: ' + e.message));
    await page.goto('file://' + path.resolve(report));
    if (outside.length) problems.push('requests leaving the page: ' + outside.join(', '));
    const title = await page.title();
    if (!title.startsWith('Case audit')) problems.push('title is ' + JSON.stringify(title));
    const section = page.locator('section#policy-casetest-grommets');
    if ((await section.count()) !== 1) problems.push('no section for casetest.grommets');
    const headings = await section.locator('h3').allTextContents();
    for (const want of ['Compliance by provider', 'Facts most often missing', 'Cases not eligible', 'Cases undetermined'])
      if (!headings.some((h) => h.startsWith(want))) problems.push('no heading "' + want + '" (have ' + headings.join(', ') + ')');
    const svg = section.locator('svg.funnel');
    const box = await svg.boundingBox();
    if (!box || box.width < 300 || box.height < 150) problems.push('the funnel plot is drawn at ' + JSON.stringify(box));
    const compliance = section.locator('h3:has-text("Compliance by provider") ~ div.grid table').first();
    const providers = await compliance.locator('tbody tr td:first-child').allTextContents();
    const undetermined = section.locator('h3:has-text("Cases undetermined") + input.filter + div.scroll table, ' +
                                         'h3:has-text("Cases undetermined") + div.scroll table').first();
    const notEligible = section.locator('h3:has-text("Cases not eligible") + input.filter + div.scroll table, ' +
                                        'h3:has-text("Cases not eligible") + div.scroll table').first();
    const stars = await page.$$eval('td', (tds) => tds.filter((t) => t.textContent === '*').length);

    if (which === 'generated') {
      if (providers.length !== 8) problems.push('compliance table has ' + providers.length + ' providers, expected 8');
      const labels = await svg.locator('text.label').allTextContents();
      if (!labels.includes('RA8')) problems.push('RA8 is not labelled beyond the limits (labels: ' + labels.join(', ') + ')');
      const ra8 = await compliance.locator('tr', {hasText: 'RA8'}).locator('td').last().textContent();
      if (!/alert/.test(ra8) || !/\u25BC/.test(ra8)) problems.push('RA8 is flagged ' + JSON.stringify(ra8) + ', not a low alert');
      const ids = await undetermined.locator('tbody tr td:nth-child(2)').allTextContents();
      if (ids.length !== 48 || !ids.includes('RA1-08')) problems.push(ids.length + ' undetermined cases listed: ' + ids.slice(0, 5));
      const missing = await undetermined.locator('tbody tr td:nth-child(5)').first().textContent();
      if (missing !== 'ome_bilateral') problems.push('the first undetermined case misses ' + JSON.stringify(missing));
      const facts = await section.locator('h3:has-text("Facts most often missing") ~ div.scroll table').first()
        .locator('tbody tr').first().textContent();
      if (!/ome_bilateral\s*48/.test(facts)) problems.push('facts most often missing: ' + JSON.stringify(facts));
      if (stars !== 0) problems.push(stars + ' suppressed cells where no count is small');
      // The compliance table sorts by share, both ways.
      const share = async () => (await compliance.locator('tbody tr td:nth-child(4)').allTextContents()).map(parseFloat);
      await compliance.locator('thead th', {hasText: 'Share'}).click();
      let got = await share();
      if (JSON.stringify(got) !== JSON.stringify([...got].sort((a, b) => a - b))) problems.push('ascending sort gave ' + got);
      await compliance.locator('thead th', {hasText: 'Share'}).click();
      got = await share();
      if (JSON.stringify(got) !== JSON.stringify([...got].sort((a, b) => b - a))) problems.push('descending sort gave ' + got);
    } else {
      if (stars === 0) problems.push('no count is suppressed, but every count is from 1 to 5');
      const ids = await notEligible.locator('tbody tr td:nth-child(2)').allTextContents();
      if (JSON.stringify(ids) !== JSON.stringify(['c2', 'c5'])) problems.push('not eligible cases listed: ' + ids);
      const reason = await notEligible.locator('tbody tr').first().locator('td').nth(3).textContent();
      if (!reason.includes('Aged 12 or over: yes')) problems.push('c2 is listed with the reasons ' + JSON.stringify(reason));
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) problems.push('the page overflows sideways by ' + overflow + ' px');
    await page.addScriptTag({content: axeSource});
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document, {resultTypes: ['violations']});
      return r.violations.map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.length}));
    });
    for (const v of axe)
      if (v.impact === 'critical') problems.push('accessibility (critical): ' + v.id + ' on ' + v.nodes + ' elements');
    await page.screenshot({path: screenshot, fullPage: true});
    console.log('case_report_browser (' + which + '): ' + providers.length + ' providers, ' + stars + ' suppressed cells, axe: ' +
                (axe.map((v) => v.id + '(' + v.impact + ')').join(', ') || 'no violations') + '; screenshot ' + screenshot);
  } finally {
    await context.close();
    fs.rmSync(profile, {recursive: true, force: true});
  }
  if (problems.length) fail(problems.join('\n  '));
})().catch((e) => fail(e.stack || String(e)));
