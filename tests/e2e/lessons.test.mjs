// End-to-end: the lesson player in the built page. Lesson 6 (the table–stream duality) is
// completed from start to end with the KEYBOARD ONLY (Tab and Enter on buttons, typing SQL,
// Ctrl+Enter, Esc to leave the editor, arrows, Space, Home/End, Alt+arrows), checking the goal
// turns ✓ at each step; corrupt stored progress shows a notice; screenshots of a lesson-6 step at
// projector, laptop and phone sizes go to tests/e2e/screenshots/ (git-ignored).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, servedApp } from './serve.mjs';

const SHOTS = 'tests/e2e/screenshots';
const EDITOR = 'textarea[aria-label="SQL"]';
const PLUS_ONE = '.producer[data-producer="account_transactions"] .produce-one';
const app = servedApp(SHOTS);

const focused = (page, selector) => page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);

/// Presses Tab until the element matching `selector` has the focus (reading the focus is only
/// an observation: every input is a key press).
async function tabTo(page, selector) {
  for (let presses = 0; presses < 400; presses += 1) {
    if (await focused(page, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function stepIs(page, n) {
  await page.waitForFunction((text) => document.querySelector('.step-count')?.textContent === text, `Step ${n} of 5`, { timeout: 10000 });
}

async function goalMet(page, n) {
  await page.waitForSelector('.goal.met', { timeout: 10000 });
  assert.equal((await page.textContent('.goal-mark')).trim(), '✓', `step ${n}: the goal shows ✓`);
  assert.equal(await page.textContent('.step-count'), `Step ${n} of 5`);
}

async function goalPending(page) {
  await page.waitForSelector('.goal.pending', { timeout: 10000 });
  assert.equal((await page.textContent('.goal-mark')).trim(), '✗');
}

/// Focuses the editor with Tab, replaces its text by typing, runs it with Ctrl+Enter.
async function typeAndRun(page, sql) {
  await tabTo(page, EDITOR);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(sql);
  await page.keyboard.press('Control+Enter');
}

/// Esc leaves the editor (a first Esc may only close the completion list).
async function leaveEditor(page) {
  await page.keyboard.press('Escape');
  if (await focused(page, EDITOR)) await page.keyboard.press('Escape');
  assert.equal(await focused(page, EDITOR), false, 'Esc gave the keys back to navigation');
}

test('lesson 6 completed with the keyboard only', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url, { width: 1280, height: 800 });
  await tabTo(page, '.lesson-item[data-lesson="duality"] .lesson-open');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.lesson[data-lesson="duality"]');
  await stepIs(page, 1);
  await goalPending(page);

  // Steps 1 to 3: +50, +25, −60 produced with the producer's "+1" button (Tab, Enter).
  const moveOn = ['ArrowRight', 'Alt+ArrowRight', 'ArrowRight'];
  for (const [i, balance] of [50, 75, 15].entries()) {
    await tabTo(page, PLUS_ONE);
    await page.keyboard.press('Enter');
    await goalMet(page, i + 1);
    assert.match(await page.textContent('.goal-detail'), new RegExp(String(balance)));
    await page.keyboard.press(moveOn[i]);
    await stepIs(page, i + 2);
    await goalPending(page);
  }

  // Step 4: the table was dropped; rebuild it from offset 0 by typing the SQL.
  await typeAndRun(page, "SET 'auto.offset.reset' = 'earliest'; CREATE TABLE balances AS SELECT account_id, SUM(amount) AS balance FROM transactions GROUP BY account_id EMIT CHANGES;");
  await goalMet(page, 4);
  // Arrows belong to the editor while it has focus.
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(300);
  assert.equal(await page.textContent('.step-count'), 'Step 4 of 5', 'ArrowRight in the editor moves the caret, not the lesson');
  await leaveEditor(page);
  await page.keyboard.press('ArrowRight');
  await stepIs(page, 5);
  await goalPending(page);

  // Step 5: the table's changelog as a stream.
  await typeAndRun(page, "CREATE STREAM balance_changes (account_id STRING KEY, balance INT) WITH (kafka_topic='BALANCES', value_format='JSON');");
  await goalMet(page, 5);
  assert.equal(await page.locator('.step-link.done').count(), 5, 'every step is done');
  assert.ok(await page.isVisible('.step-finish.primary'), 'the lesson is complete');

  // Navigation keys: Alt+← from the editor, Esc, Home, Space, End.
  await page.keyboard.press('Alt+ArrowLeft');
  await stepIs(page, 4);
  await leaveEditor(page);
  await page.keyboard.press('Home');
  await stepIs(page, 1);
  await page.keyboard.press(' ');
  await stepIs(page, 2);
  await page.keyboard.press('End');
  await stepIs(page, 5);

  // Back to the list: the lesson is finished there, and stays so after a reload.
  await tabTo(page, '.step-finish');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.lesson-item[data-lesson="duality"].finished');
  assert.match(await page.textContent('.lesson-item[data-lesson="duality"] .lesson-progress'), /✓\s*5 \/ 5/);
  await page.reload();
  await page.waitForSelector('.lesson-item[data-lesson="duality"].finished');
  assert.deepEqual(errors, []);
  await page.close();
});

test('corrupt stored progress is reset with a notice, never a crash', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url, { width: 1280, height: 800 });
  await page.evaluate(() => localStorage.setItem('streamlab.progress', '{"version":1,"lessons":{"duality":{"done":"??'));
  await page.reload();
  await page.waitForSelector('.notice');
  assert.match(await page.textContent('.notice'), /progress could not be read .* reset/);
  assert.equal(await page.locator('.lesson-item').count(), 12);
  assert.equal(await page.evaluate(() => localStorage.getItem('streamlab.progress')), '{"version":1,"lessons":{}}');
  await page.reload();
  await page.waitForSelector('.lesson-item');
  assert.equal(await page.locator('.notice').count(), 0, 'the notice shows once');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [width, height] of [[1920, 1080], [1280, 800], [390, 844]]) {
  test(`a lesson-6 step at ${width}x${height}: screenshot, no horizontal overflow`, async () => {
    const { page, errors } = await openApp(app.browser, app.server.url, { width, height });
    await page.click('.lesson-item[data-lesson="duality"] .lesson-open');
    await page.waitForSelector('.lesson[data-lesson="duality"]');
    await page.click('.step-link >> nth=1');
    await stepIs(page, 2);
    await page.click('.hint-button');
    await page.click('.show-solution');
    await page.click('.run-solution');
    await goalMet(page, 2);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal scrollbar');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/lesson6-step2-${width}x${height}.png` });
    if (width === 1920) await page.screenshot({ path: `${SHOTS}/lesson6-step2-${width}x${height}-full.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("lesson 11's toggle shows the 2018 slide and today's ksqlDB, and either version solves the step", async () => {
  const { page, errors } = await openApp(app.browser, app.server.url, { width: 1280, height: 800 });
  await page.click('.lesson-item[data-lesson="ksql-examples"] .lesson-open');
  await page.click('.step-list li:nth-child(2) button');
  await page.waitForFunction(() => document.querySelector('.step-count')?.textContent?.startsWith('Step 2 of'));
  const sql = () => page.textContent('.syntax-sql');
  assert.doesNotMatch(await sql(), /EMIT CHANGES/, 'as on stage in 2018 by default');
  await page.click('.syntax-option:has-text("ksqlDB today")');
  assert.match(await sql(), /WHERE message LIKE '%Invalid user%'\s+EMIT CHANGES;/);
  await page.click('.run-syntax');
  await page.waitForSelector('.goal.met', { timeout: 10000 });
  await page.screenshot({ path: `${SHOTS}/lesson11-syntax-toggle-1280x800.png` });
  assert.deepEqual(errors, []);
  await page.close();
});
