// End-to-end: deep links (open, reproduce, bad fragment), presenter keys (overlay, blackout,
// presenter mode, type size), focus arbitration (f typed in the SQL editor stays a letter),
// scripted typing, and the speaker view kept in sync over BroadcastChannel. Screenshots of
// presenter mode and the speaker view at 1920x1080 go to tests/e2e/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { openApp, servedApp } from './serve.mjs';

const SHOTS = 'tests/e2e/screenshots';
const FULL_HD = { width: 1920, height: 1080 };
const app = servedApp(SHOTS);

// A v1 fragment made the way src/share/fragment.rs makes them: JSON, raw deflate, base64url.
function fragment(link) {
  return `v1/${deflateRawSync(Buffer.from(JSON.stringify(link))).toString('base64url')}`;
}

async function openLink(hash, viewport = { width: 1280, height: 800 }) {
  const opened = await openApp(app.browser, `${app.server.url}#${hash}`, viewport);
  await opened.page.waitForSelector('.lane .cell');
  return opened;
}

// Every lane's records as text: topic, partition cells (offset, key, value).
async function records(page) {
  return page.$$eval('.topic', (topics) => topics.map((t) => `${t.dataset.topic}: ${[...t.querySelectorAll('.cell')].map((c) => c.textContent).join(' | ')}`));
}

async function editorText(page) {
  return page.$eval('textarea.editor-input', (e) => e.value);
}

test('a copied link reopens the same demo: same records, offsets and results, twice', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url, { width: 1280, height: 800 });
  await page.click('.sandbox-entry button');
  await page.waitForSelector('.lane .cell');
  const topic = await page.$eval('.topic', (t) => t.dataset.topic);
  const sql = `PRINT '${topic}' FROM BEGINNING LIMIT 4;`;
  await page.getByLabel('SQL', { exact: true }).fill(sql);
  await page.click('.speed-button:has-text("100×")');
  await page.click('button.copy-link');
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#v1\/[A-Za-z0-9_-]+$/);
  assert.deepEqual(errors, []);
  await page.close();

  const runs = [];
  for (let i = 0; i < 2; i += 1) {
    const opened = await openLink(hash.slice(1));
    const p = opened.page;
    assert.equal(await editorText(p), sql, 'the editor holds the link\'s SQL');
    assert.equal(await p.textContent('.speed-button.active'), '100×');
    assert.match(await p.textContent('.control-play'), /Play/, 'a linked demo starts paused');
    const before = await records(p);
    await p.click('.console button.run');
    await p.waitForSelector('.entry .result-lines');
    const results = await p.textContent('.entry .result-lines');
    runs.push({ before, results });
    assert.deepEqual(opened.errors, []);
    await p.close();
  }
  assert.ok(runs[0].before.join('').length > 50, 'the lanes show records');
  assert.match(runs[0].results, /rowtime: .* key: .* value: .* partition: \d/);
  assert.deepEqual(runs[1], runs[0], 'the same link gives the same records, offsets and results');
});

test('the seed in the link chooses the world', async () => {
  const shown = [];
  for (const seed of [7, 8]) {
    const { page } = await openLink(fragment({ seed, speed: 1, sql: '' }));
    shown.push(await records(page));
    await page.close();
  }
  assert.notDeepEqual(shown[0], shown[1]);
});

test('a bad or truncated fragment opens the start page with a notice', async () => {
  const good = fragment({ seed: 3, speed: 1, sql: 'SHOW TOPICS;' });
  for (const [hash, expected] of [
    [good.slice(0, good.length - 8), /damaged|cut short/],
    ['v7/abc', /v7/],
    ['hello', /not a streamlab demo link/],
  ]) {
    const { page, errors } = await openApp(app.browser, `${app.server.url}#${hash}`, { width: 1280, height: 800 });
    await page.waitForSelector('.notice');
    assert.ok(await page.isVisible('.home'), 'the start page');
    assert.match(await page.textContent('.notice'), expected);
    await page.click('.notice-dismiss');
    assert.equal(await page.locator('.notice').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('keys: overlay, blackout, type size, presenter mode; f in the editor stays a letter', async () => {
  const { page, errors } = await openLink(fragment({ seed: 1, speed: 1, sql: 'SHOW TOPICS;' }));
  await page.keyboard.press('?');
  await page.waitForSelector('.presenter-help');
  assert.match(await page.textContent('.presenter-help'), /blackout/);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.presenter-help').count(), 0);

  await page.keyboard.press('b');
  await page.waitForSelector('.presenter-blackout');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('.presenter-blackout').count(), 0, 'any key lifts the blackout');
  assert.equal(await page.locator('.entry').count(), 0, 'and does nothing else');

  // Focus arbitration: in the editor, f is typed, not presenter mode.
  const editor = page.getByLabel('SQL', { exact: true });
  await editor.click();
  await page.keyboard.press('End');
  await page.keyboard.type(' -- f');
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('projector')), false);
  assert.match(await editorText(page), /-- f$/);
  // Esc closes the completion list first (the editor's own use of it), then leaves the editor.
  if (await page.locator('.completions').count() > 0) await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'TEXTAREA');
  await page.keyboard.press('Escape');
  assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'Esc leaves the editor');
  await page.keyboard.press('f');
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('projector')), true);
  const size = async () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  const normal = await size();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  assert.ok(await size() > normal * 1.2, `larger type: ${await size()} > ${normal}`);
  await page.keyboard.press('0');
  assert.equal(await size(), normal);
  await page.keyboard.press('f');
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('projector')), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test('scripted typing: → types the demo\'s next statement, then runs it', async () => {
  const { page, errors } = await openLink(fragment({ seed: 1, speed: 1, sql: 'SHOW TOPICS;\nSHOW STREAMS;' }));
  await page.keyboard.press('ArrowRight');
  // Mid-way, the editor holds a prefix of the statement.
  await page.waitForFunction(() => { const v = document.querySelector('textarea.editor-input').value; return v.length > 0 && v.length < 12; });
  await page.waitForSelector('.entry');
  assert.equal(await page.textContent('.entry .entry-sql'), 'SHOW TOPICS;');
  await page.keyboard.press('t');
  await page.waitForFunction(() => document.querySelectorAll('.entry').length === 2, null, { timeout: 10000 });
  assert.equal(await page.locator('.entry .entry-sql').nth(1).textContent(), 'SHOW STREAMS;');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the speaker view follows the audience and drives it over BroadcastChannel', async () => {
  const context = await app.browser.newContext({ viewport: FULL_HD });
  const errors = [];
  const audience = await context.newPage();
  audience.on('pageerror', (e) => errors.push(String(e)));
  const sql = "SHOW TOPICS;\nPRINT 'account_transactions' FROM BEGINNING LIMIT 3;";
  await audience.goto(`${app.server.url}#${fragment({ seed: 2018, speed: 1, sql })}`);
  await audience.waitForSelector('.lane .cell');

  // P opens the speaker view in a new window of the same page.
  const [popup] = await Promise.all([context.waitForEvent('page'), audience.keyboard.press('p')]);
  await popup.waitForLoadState();
  assert.match(popup.url(), /\?speaker$/);
  await popup.close();

  const speaker = await context.newPage();
  speaker.on('pageerror', (e) => errors.push(String(e)));
  await speaker.goto(`${app.server.url}?speaker`);
  await speaker.waitForSelector('.speaker-next-title');
  assert.match(await speaker.textContent('.speaker-deck-title'), /Sandbox demo/);
  assert.equal(await speaker.textContent('.speaker-next-title'), 'SHOW TOPICS;');

  // The speaker's → makes the audience type and run the first statement.
  await speaker.keyboard.press('ArrowRight');
  await audience.waitForSelector('.entry .entry-sql');
  assert.equal(await audience.textContent('.entry .entry-sql'), 'SHOW TOPICS;');
  await speaker.waitForFunction(() => document.querySelector('.speaker-current-title')?.textContent === 'SHOW TOPICS;');
  assert.match(await speaker.textContent('.speaker-position'), /Step 1 of 2/);
  assert.match(await speaker.textContent('.speaker-next-title'), /PRINT 'account_transactions'/);

  // Audience keys show up in the speaker view too.
  await audience.keyboard.press('f');
  await speaker.waitForSelector('.speaker-flag:has-text("presenting")');
  await audience.waitForTimeout(300);
  await audience.screenshot({ path: `${SHOTS}/presenter-mode-1920x1080.png` });
  await speaker.screenshot({ path: `${SHOTS}/speaker-view-1920x1080.png` });

  // Blackout from the speaker's button.
  await speaker.click('.speaker-blackout');
  await audience.waitForSelector('.presenter-blackout');
  await speaker.waitForSelector('.speaker-flag:has-text("blacked out")');
  await speaker.keyboard.press('b');
  await audience.waitForFunction(() => !document.querySelector('.presenter-blackout'));

  await audience.keyboard.press('?');
  await audience.waitForSelector('.presenter-help');
  await audience.screenshot({ path: `${SHOTS}/presenter-help-1920x1080.png` });
  assert.deepEqual(errors, []);
  await context.close();
});
