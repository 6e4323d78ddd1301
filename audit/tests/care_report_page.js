// Renders the care audit's report.html in Debian's headless Chromium through
// playwright-core (tests/node) and checks what a reader would see:
//  * the page loads with no request leaving the file (self-contained) and no script errors;
//  * every section is there, and every plot is drawn at a readable size;
//  * the tables hold the localities, and small numbers are suppressed when they should be;
//  * nothing overflows the page sideways, and axe-core finds no critical accessibility fault.
// Usage: node care_report_page.js REPORT.html SCREENSHOT.png [--expect-suppressed]
// Fails (exit 1) when the tools are missing: run `make setup-test`.
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');

function fail(message) {
  console.error('care_report_page: ' + message);
  process.exit(1);
}

let chromium, axeSource;
try {
  chromium = require('playwright-core').chromium;
  axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (e) {
  fail('playwright-core or axe-core is missing (NODE_PATH=' + (process.env.NODE_PATH || '') + '): run make setup-test');
}
if (!fs.existsSync('/usr/bin/chromium')) fail('/usr/bin/chromium is missing: run make setup-test');

const [report, screenshot, flag] = process.argv.slice(2);
if (!report || !screenshot) fail('usage: care_report_page.js REPORT.html SCREENSHOT.png [--expect-suppressed]');

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-care-chromium-'));
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
    page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
    await page.goto('file://' + path.resolve(report));

    if (outside.length) problems.push('requests leaving the page: ' + outside.join(', '));
    const title = await page.title();
    if (!title.startsWith('Continuing care and Section 117 audit')) problems.push('title is ' + JSON.stringify(title));
    const sections = await page.$$eval('section h2', (hs) => hs.map((h) => h.textContent));
    for (const want of ['The 28-day standard', 'Conversion', 'Consistency of eligibility', 'Section 117 aftercare', 'Trends',
                        'Data quality'])
      if (!sections.includes(want)) problems.push('no section "' + want + '" (have ' + sections.join(', ') + ')');
    const plots = await page.$$eval('svg', (ss) => ss.map((s) => {
      const r = s.getBoundingClientRect();
      return {label: s.getAttribute('aria-label'), width: r.width, height: r.height};
    }));
    const funnels = plots.filter((p) => (p.label || '').startsWith('Funnel plot'));
    const trends = plots.filter((p) => (p.label || '').startsWith('Trend of'));
    if (funnels.length !== 5) problems.push(funnels.length + ' funnel plots, expected 5');
    if (trends.length !== 5) problems.push(trends.length + ' trend plots, expected 5');
    for (const p of plots)
      if (p.width < 300 || p.height < 150) problems.push('plot "' + p.label + '" drawn at ' + p.width + 'x' + p.height);
    const localities = await page.$$eval('#days table tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
    for (const want of ['hwe', 'mse', 'snee', 'overall'])
      if (!localities.includes(want)) problems.push('the 28-day table has no row for ' + want);
    const stars = await page.$$eval('td', (tds) => tds.filter((t) => t.textContent === '*').length);
    if (flag === '--expect-suppressed' && stars === 0) problems.push('no count is suppressed, but small numbers are present');
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
    console.log('care_report_page: ' + sections.length + ' sections, ' + funnels.length + ' funnel and ' + trends.length +
                ' trend plots, ' + stars + ' suppressed cells, axe: ' +
                (axe.map((v) => v.id + '(' + v.impact + ')').join(', ') || 'no violations') + '; screenshot ' + screenshot);
  } finally {
    await context.close();
    fs.rmSync(profile, {recursive: true, force: true});
  }
  if (problems.length) fail(problems.join('\n  '));
})().catch((e) => fail(e.stack || String(e)));
