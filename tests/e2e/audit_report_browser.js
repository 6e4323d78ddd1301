// report.html in headless Chromium (playwright-core from tests/node): the
// tables sort when a heading is clicked and filter as text is typed, the page
// loads nothing from the network, and a screenshot is kept when asked.
// Usage: node audit_report_browser.js REPORT.html SCREENSHOT.png
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

(async () => {
  const [report, shot] = process.argv.slice(2);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-report-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 1600 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const fail = (m) => { console.error('FAIL: ' + m); process.exitCode = 1; };
  try {
    const page = await browser.newPage();
    const requests = [];
    page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('file://' + path.resolve(report));
    if (errors.length) fail('script errors: ' + errors.join('; '));
    if (requests.length) fail('network requests: ' + requests.join(', '));

    // The first published-statistics table: sort by Episodes, both ways.
    const table = page.locator('h3:has-text("Published statistics") + p + input.filter + div.scroll table').first();
    if ((await table.count()) !== 1) fail('no published statistics table with a filter box');
    const episodes = async () => (await table.locator('tbody tr td:nth-child(3)').allTextContents())
      .map((s) => (s === '*' ? -1 : Number(s.replace(/,/g, ''))));
    const heading = table.locator('thead th', { hasText: 'Episodes' });
    await heading.click();
    let got = await episodes();
    const up = [...got].sort((a, b) => a - b);
    if (JSON.stringify(got) !== JSON.stringify(up)) fail('ascending sort gave ' + got);
    if ((await heading.getAttribute('aria-sort')) !== 'ascending') fail('aria-sort not ascending');
    await heading.click();
    got = await episodes();
    if (JSON.stringify(got) !== JSON.stringify([...up].reverse())) fail('descending sort gave ' + got);

    // Filtering: one group's code leaves its row only.
    const first = (await table.locator('tbody tr td:first-child').allTextContents())[0];
    const box = page.locator('h3:has-text("Published statistics") + p + input.filter').first();
    await box.fill(first);
    const shown = await table.locator('tbody tr:visible').count();
    if (shown < 1 || shown >= (await table.locator('tbody tr').count())) fail('filter "' + first + '" left ' + shown + ' rows');
    await box.fill('');
    if (shot) await page.screenshot({ path: shot, fullPage: false });
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (!process.exitCode) console.log('report.html sorts and filters in Chromium');
})().catch((e) => { console.error('FAIL: ' + e); process.exit(1); });
