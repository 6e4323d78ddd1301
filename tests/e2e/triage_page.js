// The triage page end to end: a real Chromium driven by playwright-core
// against a real `cpe serve` (tests/e2e/triage_page.sh starts it).
// Usage: node triage_page.js BASE_URL TOKEN TMP_DIR [SCREENSHOT_DIR]
'use strict';
const path = require('path');
const { execFileSync } = require('child_process');
const browser = require('./browser');

const [base, token, tmp, shots] = process.argv.slice(2);
const { check, counts } = browser.checker();
const axeScan = (page, screen) => browser.axeScan(page, screen, check);

async function shoot(page, name) {
  if (!shots) return;
  for (const [w, h, label] of [[390, 844, 'phone'], [1280, 900, 'desktop']]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: path.join(shots, name + '-' + label + '.png') });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const text = async (page, sel) => ((await page.locator(sel).count()) ? (await page.locator(sel).first().innerText()) : '');

async function openPolicy(page, search, id) {
  await page.fill('#find-input', search);
  await page.click('a[href="#policy=' + id + '"]');
  await page.waitForSelector('#outcome-title');
}

async function main() {
  // Self-contained: any request that is not to the server fails the run.
  const { context, page, elsewhere, errors: consoleErrors } = await browser.openBrowser(tmp, {
    viewport: { width: 1280, height: 900 },
    allowed: (url) => url.startsWith(base) || url.startsWith('data:'),
  });
  await page.goto(base + '/');

  if (token) {
    await page.waitForSelector('#token-input', { state: 'visible' });
    await axeScan(page, 'token');
    await page.fill('#token-input', token);
    await page.click('#token-form button');
  }
  await page.waitForSelector('#find-results li');
  await axeScan(page, 'find');
  await page.fill('#find-input', 'ivf');
  check((await text(page, '#find-count')).match(/policies match|policy matches/), 'find count');
  check((await page.locator('#find-results li').count()) >= 1, 'typing "ivf" finds IVF');
  await shoot(page, 'find');

  // IVF with BMI unknown: undetermined, asks for BMI with what decides it.
  await openPolicy(page, 'ivf', 'fertility.ivf');
  check((await text(page, '#outcome-title')) === 'Not decided yet', 'IVF starts undetermined');
  const questions = await text(page, '#questions');
  check(/Body mass index[^\n]*19 to 30 qualifies/.test(questions), 'asks for BMI with "19 to 30 qualifies": ' + questions);
  check((await page.locator('#field-bmi .hint').innerText()).includes('19 to 30 qualifies'), 'BMI hint says what decides it');
  await axeScan(page, 'IVF undetermined');
  await shoot(page, 'ivf-undetermined');

  // A bad value: the server's error beside the field it names, and in the summary.
  await page.fill('#input-bmi', 'thirty');
  await page.press('#input-bmi', 'Tab');
  await page.waitForSelector('#error-bmi:not([hidden])');
  const bmiError = await text(page, '#error-bmi');
  check(/bmi/.test(bmiError) && /number/.test(bmiError), 'BMI error beside its field: ' + bmiError);
  check(await page.isVisible('#error-summary'), 'error summary shown');
  check((await page.locator('#error-list a').getAttribute('href')) === '#input-bmi', 'summary links to the field');
  await axeScan(page, 'IVF bad value');
  await shoot(page, 'ivf-error');
  await page.fill('#input-bmi', '');
  await page.press('#input-bmi', 'Tab');
  await page.waitForSelector('#error-bmi', { state: 'hidden' });

  // Smoker yes: not eligible with the IFR next step, BMI no longer asked.
  await page.check('#input-smoker-1');
  await page.waitForFunction(() => document.getElementById('outcome-title') && document.getElementById('outcome-title').textContent === 'Criteria not met');
  const next = await text(page, '#next-step');
  check(next.includes('Individual Funding Request'), 'IFR next step: ' + next);
  check(!(await page.locator('#questions').count()), 'no questions once decided');
  check((await text(page, '#reasons')).includes('Answers used — Currently smokes or vapes'), 'reason shows the value used');
  check(await page.isHidden('#field-bmi'), 'the questions not answered are folded once decided');
  check(await page.isVisible('#field-smoker'), 'the answers given stay');
  await axeScan(page, 'IVF not eligible');
  await shoot(page, 'ivf-not-eligible');
  await page.click('#show-all');
  check(await page.isVisible('#field-bmi'), 'one button shows them again');
  const decisionId = (await text(page, '.outcome .meta:last-child')).match(/Decision id ([0-9a-f]{32})/);
  check(decisionId, 'decision id shown');

  // The printed summary: print to PDF and read its text.
  const pdf = path.join(tmp, 'summary.pdf');
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: pdf, format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  const printed = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  for (const want of ['Referral check summary', 'fertility.ivf', 'Version', '2026-04-01', 'Decision id', decisionId ? decisionId[1] : '??',
    'Answers given', 'Currently smokes or vapes', 'Yes', 'Criteria not met', 'Reasons', 'The person having treatment does not smoke'])
    check(printed.includes(want), 'printed summary has "' + want + '"');
  check(!printed.includes('Find a policy') && !printed.includes('Decision date'), 'printed summary leaves the form out');

  // The published criteria one click away.
  const [doc] = await Promise.all([context.waitForEvent('page'), page.click('#doc-link')]);
  await doc.waitForLoadState();
  check((await doc.title()).length > 0 && (await doc.content()).includes('Who is eligible'), 'doc page opens');
  await doc.close();

  // CHC checklist, two domains at A: the policy's full-assessment wording.
  await page.click('#another');
  await openPolicy(page, 'checklist', 'chc.checklist');
  await page.check('#input-checklist_nutrition-1');
  await page.waitForFunction(() => document.getElementById('outcome-title').textContent === 'Not decided yet');
  await page.check('#input-checklist_mobility-1');
  await page.waitForFunction(() => document.getElementById('outcome-title').textContent === 'Criteria met');
  check((await text(page, '#next-step')).includes('Positive checklist: refer for a full assessment of eligibility (Decision Support Tool)'), 'checklist wording');
  await axeScan(page, 'checklist decided');
  await shoot(page, 'checklist-positive');

  // Keyboard only: find Fast Track, answer its three questions, read the decision.
  await page.click('#another');
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('Tab');  // skip link
  let focusVisible = true;
  const focused = () => page.evaluate(() => document.activeElement ? (document.activeElement.id || document.activeElement.getAttribute('href') || document.activeElement.tagName) : '');
  const focusShows = () => page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return s.outlineStyle !== 'none' || s.boxShadow !== 'none';
  });
  for (let i = 0; i < 10 && (await focused()) !== 'find-input'; i++) await page.keyboard.press('Tab');
  check((await focused()) === 'find-input', 'Tab reaches the search');
  await page.keyboard.type('fast');
  for (let i = 0; i < 5 && (await focused()) !== '#policy=chc.fast_track'; i++) await page.keyboard.press('Tab');
  check((await focused()) === '#policy=chc.fast_track', 'Tab reaches the result');
  focusVisible = focusVisible && (await focusShows());
  await page.keyboard.press('Enter');
  await page.waitForSelector('#outcome-title');
  for (const fact of ['rapidly_deteriorating', 'may_be_entering_terminal_phase', 'completed_by_appropriate_clinician']) {
    for (let i = 0; i < 25 && !(await focused()).startsWith('input-' + fact); i++) await page.keyboard.press('Tab');
    check((await focused()) === 'input-' + fact + '-0', 'Tab reaches "' + fact + '" at Not known');
    focusVisible = focusVisible && (await focusShows());
    await page.keyboard.press('ArrowRight');  // Yes
    await page.waitForTimeout(150);
  }
  await page.waitForFunction(() => document.getElementById('outcome-title').textContent === 'Criteria met');
  check((await text(page, '#next-step')).includes('Fast Track: arrange the care package now'), 'fast track by keyboard');
  check(focusVisible, 'focus is visible at every stop');
  await shoot(page, 'fast-track-keyboard');

  if (token) {
    await page.reload();
    await page.waitForSelector('#outcome-title');
    check(await page.isHidden('#token'), 'the token is kept for the tab: not asked again');
  }
  check(elsewhere.length === 0, 'nothing fetched from elsewhere: ' + elsewhere.join(', '));
  check(consoleErrors.length === 0, 'no script errors: ' + consoleErrors.join('; '));
  await context.close();
  const { passes, failures } = counts();
  console.log((token ? 'with a token: ' : 'without a token: ') + passes + ' passed, ' + failures + ' failed');
  process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.log('FAIL: ' + (e && e.stack || e)); process.exit(1); });
