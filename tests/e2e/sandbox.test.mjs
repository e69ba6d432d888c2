// End-to-end: the sandbox in the built page. Start a producer and watch records land in the log
// lanes; type SQL and run it with Ctrl+Enter; see a push query stream rows; see a syntax error at
// its line and column with the hint; no console error. Screenshots at laptop and projector sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, servedApp } from './serve.mjs';

const SHOTS = 'tests/e2e/screenshots';
const app = servedApp(SHOTS);

/// Replaces the editor's text by typing it, as a learner would.
async function typeSql(page, sql) {
  const editor = page.getByLabel('SQL', { exact: true });
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await editor.fill(sql);
}

async function cellCount(page, topic) {
  return page.locator(`.topic[data-topic="${topic}"] .cell`).count();
}

async function maxOffset(page, topic) {
  const offsets = await page.locator(`.topic[data-topic="${topic}"] .cell-offset`).allTextContents();
  return offsets.reduce((sum, o) => sum + Number(o), 0);
}

test('starting a producer makes records appear in the log lanes', async () => {
  const { page, errors } = await openSandbox(app, { width: 1280, height: 800 });
  const topic = await page.locator('.producer[data-producer="clickstream"] .producer-meta').textContent();
  const clickTopic = topic.replace('→ ', '').split(',')[0].trim();
  const before = await maxOffset(page, clickTopic);
  await page.click('.producer[data-producer="clickstream"] .producer-toggle');
  await page.click('.speed-button:has-text("10×")');
  await page.waitForFunction(
    ([t, b]) => [...document.querySelectorAll(`.topic[data-topic="${t}"] .cell-offset`)].reduce((s, o) => s + Number(o.textContent), 0) > b,
    [clickTopic, before], { timeout: 10000 });
  assert.ok(await page.isVisible('.producer[data-producer="clickstream"].running'));
  // The rate field keeps what the learner typed although the screen redraws every frame.
  const rate = '.producer[data-producer="clickstream"] .rate input';
  await page.fill(rate, '40');
  await page.press(rate, 'Tab');
  await page.waitForTimeout(300);
  assert.equal(await page.inputValue(rate), '40');
  // Virtualised: no lane holds more than the page size in the DOM.
  const perLane = await page.evaluate(() => Math.max(...[...document.querySelectorAll('.lane-cells')].map((l) => l.querySelectorAll('.cell').length)));
  assert.ok(perLane <= 100, `at most 100 cells per lane, got ${perLane}`);
  // A record opens its details.
  await page.locator('.cell').first().click();
  await page.waitForSelector('.record-details');
  assert.match(await page.textContent('.record-details'), /Offset/);
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a push query typed in the console streams rows; Ctrl+Enter runs it', async () => {
  const { page, errors } = await openSandbox(app, { width: 1280, height: 800 });
  await typeSql(page, `CREATE STREAM clicks (user_id STRING KEY, page STRING, action STRING)
  WITH (kafka_topic='clickstream', value_format='JSON');`);
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('.result-ack');
  assert.match(await page.textContent('.results'), /Stream created/i);
  await typeSql(page, "SET 'auto.offset.reset' = 'earliest';");
  await page.keyboard.press('Control+Enter');
  await typeSql(page, 'SELECT user_id, page FROM clicks EMIT CHANGES;');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('.result-push.running');
  await page.click('.producer[data-producer="clickstream"] .producer-toggle');
  const rowsNow = await page.locator('.result-push tbody tr').count();
  await page.waitForFunction((n) => document.querySelectorAll('.result-push tbody tr').length > n, rowsNow, { timeout: 10000 });
  await page.screenshot({ path: `${SHOTS}/sandbox-push-1280x800.png` });
  await page.click('.push-stop');
  await page.waitForSelector('.push-status.ended');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a push query aggregates a stream-table join: clicks per user level', async () => {
  const { page, errors } = await openSandbox(app, { width: 1280, height: 800 });
  await typeSql(page, "SET 'auto.offset.reset' = 'earliest';");
  await page.keyboard.press('Control+Enter');
  await typeSql(page, `CREATE STREAM clicks (id STRING KEY, userid STRING, page STRING, action STRING)
  WITH (kafka_topic='clickstream', value_format='JSON');
CREATE TABLE users (id STRING PRIMARY KEY, level STRING) WITH (kafka_topic='users', value_format='JSON');`);
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => /Table created/i.test(document.querySelector('.results')?.textContent ?? ''));
  await typeSql(page, 'SELECT u.level, COUNT(*) AS clicks FROM clicks c JOIN users u ON c.id = u.id GROUP BY u.level EMIT CHANGES;');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('.result-push.running');
  await page.click('.producer[data-producer="clickstream"] .producer-toggle');
  await page.waitForFunction(() => document.querySelectorAll('.result-push tbody tr').length > 3, null, { timeout: 10000 });
  const header = await page.locator('.result-push thead').textContent();
  assert.match(header, /LEVEL/);
  assert.match(header, /CLICKS/);
  // Every row is a level's running count: a level name, then a positive count.
  const rows = await page.locator('.result-push tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  for (const [level, clicks] of rows) {
    assert.match(level, /^(Platinum|Gold|Silver|Bronze)$/);
    assert.ok(Number(clicks) >= 1, `a count, got ${clicks}`);
  }
  await page.screenshot({ path: `${SHOTS}/sandbox-aggregated-join-1280x800.png` });
  await page.click('.push-stop');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a syntax error shows its line and column and a hint', async () => {
  const { page, errors } = await openSandbox(app, { width: 1280, height: 800 });
  await typeSql(page, 'SHOW STREAMS;\nSELEC * FROM clicks;');
  await page.click('button[aria-label="Run"]');
  await page.waitForSelector('.sql-error');
  assert.match(await page.textContent('.sql-error-at'), /Line 2, column 1/);
  assert.ok(await page.isVisible('mark.error-at'), 'the position is marked in the editor');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [width, height] of [[1280, 800], [1920, 1080]]) {
  test(`the sandbox lays out at ${width}x${height}`, async () => {
    const { page, errors } = await openSandbox(app, { width, height });
    await page.click('.producer[data-producer="account_transactions"] .producer-toggle');
    await page.click('.speed-button:has-text("10×")');
    await typeSql(page, 'SHOW TOPICS;');
    await page.keyboard.press('Control+Enter');
    await typeSql(page, 'SELECT * FROM ');
    await page.keyboard.type('c');
    await page.waitForTimeout(1500);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal scrollbar');
    await page.screenshot({ path: `${SHOTS}/sandbox-${width}x${height}.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the sandbox in the dark theme', async () => {
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(app.server.url);
  await page.click('.sandbox-entry button');
  await page.waitForSelector('.lane .cell');
  await typeSql(page, "SELECT * FROM clicks WHERE page = '/help' EMIT CHANGES;");
  await page.locator('.cell').first().click();
  await page.waitForSelector('.record-details');
  await page.screenshot({ path: `${SHOTS}/sandbox-dark-1280x800.png` });
  assert.deepEqual(errors, []);
  await page.close();
});
