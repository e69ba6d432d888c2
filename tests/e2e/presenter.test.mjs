// End-to-end: deep links (open, reproduce, bad fragment, layout), presenter keys (overlay,
// blackout, presenter mode, type size), focus arbitration (f and d typed in the SQL editor stay
// letters), scripted typing, the speaker view kept in sync over BroadcastChannel, the two-pane
// demo layout, Reset demo, and the dist working offline under a sub-path. Screenshots of
// presenter mode, the two-pane layout and the speaker view at 1920x1080 go to
// tests/e2e/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { openApp, openSandbox, servedApp, serveDist } from './serve.mjs';

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

// ---- The two-pane demo layout and Reset demo ---------------------------------------------------

const STATEMENTS = '.demo-pane-statements';
const PUSH = '.demo-pane-push';
const CREATE = "CREATE STREAM readings (sensor STRING KEY, reading INT) WITH (kafka_topic='readings', value_format='JSON', partitions=1);";

// Types into the console inside `pane` and runs it; resolves once the console shows `entries` entries.
async function runIn(page, pane, sql, entries) {
  await page.locator(`${pane} textarea.editor-input`).fill(sql);
  await page.click(`${pane} button.run`);
  if (entries !== undefined) {
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(`${sel} .entry`).length === n, [pane, entries]);
  }
}

test('two panes: a push query runs on the right while INSERTs on the left feed it; d in an editor stays a letter', async () => {
  const { page, errors } = await openSandbox(app, { width: 1600, height: 900 });
  assert.equal(await page.locator('.sandbox-grid.two-pane').count(), 0);

  // Focus arbitration: d typed in the SQL editor is a letter, not the layout key.
  await page.getByLabel('SQL', { exact: true }).click();
  await page.keyboard.press('End');
  await page.keyboard.type(' -- d');
  assert.equal(await page.locator('.sandbox-grid.two-pane').count(), 0, 'd in the editor does not toggle the layout');
  assert.match(await editorText(page), /-- d$/);
  if (await page.locator('.completions').count() > 0) await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.keyboard.press('d');
  await page.waitForSelector('.sandbox-grid.two-pane');
  assert.equal(await page.locator('.console').count(), 2, 'two consoles');
  assert.match(await page.inputValue(`${STATEMENTS} textarea`), /-- d$/, 'the statement console keeps its text');

  await runIn(page, STATEMENTS, CREATE, 1);
  assert.match(await page.textContent(`${STATEMENTS} .entry`), /Stream created/);
  await runIn(page, PUSH, 'SELECT * FROM readings EMIT CHANGES;', 1);
  await page.waitForSelector(`${PUSH} .result-push.running`);
  for (const [sensor, reading] of [['s-1', 42], ['s-2', 7]]) {
    await runIn(page, STATEMENTS, `INSERT INTO readings (sensor, reading) VALUES ('${sensor}', ${reading});`);
    await page.waitForFunction(([sel, s]) => [...document.querySelectorAll(`${sel} .result-table tbody tr`)].some((r) => r.textContent.includes(s)), [PUSH, sensor]);
  }
  const rows = await page.$$eval(`${PUSH} .result-table tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows, [['s-1', '42'], ['s-2', '7']], 'the rows arrive on the right, in order');
  assert.equal(await page.locator(`${STATEMENTS} .result-push`).count(), 0, 'no push query on the left');
  assert.match(await page.textContent(`${PUSH} .push-status`), /streaming · 2 rows/);

  // One push query at a time: another replaces the first, which stops.
  await runIn(page, PUSH, 'SELECT sensor FROM readings EMIT CHANGES;', 1);
  await runIn(page, STATEMENTS, 'SHOW QUERIES;', 4);
  const queries = await page.textContent(`${STATEMENTS} .entry:last-child`);
  assert.equal(queries.match(/PUSH/g)?.length, 1, `one push query runs: ${queries}`);
  // The left's Clear results keeps the right pane.
  await page.click(`${STATEMENTS} button.clear`);
  assert.equal(await page.locator(`${STATEMENTS} .entry`).count(), 0);
  assert.equal(await page.locator(`${PUSH} .result-push.running`).count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

// What a demo run shows: the lanes, the right pane's rows and the left's results.
async function demoState(page) {
  return {
    lanes: await records(page),
    clock: await page.textContent('.virtual-clock'),
    left: await page.$$eval(`${STATEMENTS} .entry`, (es) => es.map((e) => e.textContent)),
    right: await page.$$eval(`${PUSH} .result-table tbody tr`, (trs) => trs.map((tr) => tr.textContent)),
  };
}

// Types the demo script with →, one statement at a time, until `n` entries ran.
async function typeScript(page, n) {
  for (let i = 1; i <= n; i += 1) {
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((count) => document.querySelectorAll('.entry').length === count && !document.querySelector('.editor:focus-within'), i, { timeout: 15000 });
  }
}

test('scripted typing types push queries on the right and statements on the left; Reset demo replays the same offsets and rows', async () => {
  const script = `${CREATE}\nSELECT * FROM readings EMIT CHANGES;\nINSERT INTO readings (sensor, reading) VALUES ('s-1', 42);\nINSERT INTO readings (sensor, reading) VALUES ('s-2', 7);`;
  const link = fragment({ seed: 11, speed: 1, sql: script, layout: 'two_pane' });
  const { page, errors } = await openLink(link, FULL_HD);
  await page.waitForSelector('.sandbox-grid.two-pane');
  const start = await demoState(page);
  assert.equal(await page.inputValue(`${STATEMENTS} textarea`), script);

  const runs = [];
  for (let run = 0; run < 2; run += 1) {
    await typeScript(page, 4);
    await page.waitForFunction((sel) => document.querySelectorAll(`${sel} .result-table tbody tr`).length === 2, PUSH);
    const state = await demoState(page);
    runs.push(state);
    assert.equal(await page.textContent(`${PUSH} .entry-sql`), 'SELECT * FROM readings EMIT CHANGES;', 'the push query was typed on the right');
    assert.equal(state.left.length, 3, 'CREATE and the two INSERTs on the left');
    assert.match(state.left[1], /Inserted at offset 0 of readings, partition 0/);
    assert.match(state.left[2], /Inserted at offset 1 of readings, partition 0/);
    if (run === 0) {
      await page.click('.demo-reset');
      await page.waitForFunction(() => document.querySelectorAll('.entry').length === 0);
      assert.deepEqual(await demoState(page), start, 'Reset demo: the start again (lanes, clock, no results)');
      assert.equal(await page.inputValue(`${STATEMENTS} textarea`), script, 'the demo\'s SQL is back in the editor');
      assert.equal(await page.locator('.sandbox-grid.two-pane').count(), 1, 'the layout stays');
    }
  }
  assert.deepEqual(runs[1], runs[0], 'after Reset demo the same script gives the same records, offsets and rows');
  assert.ok(runs[0].lanes.some((lane) => lane.startsWith('readings: ')), 'the inserted records show in the log');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Copy link carries the two-pane layout; a v1 link without it opens the standard layout', async () => {
  const { page, errors } = await openLink(fragment({ seed: 3, speed: 10, sql: 'SHOW TOPICS;' }));
  assert.equal(await page.locator('.sandbox-grid.two-pane').count(), 0);
  await page.click('.demo-layout-toggle');
  await page.click('button.copy-link');
  const hash = await page.evaluate(() => location.hash);
  const json = JSON.parse(inflateRawSync(Buffer.from(hash.slice('#v1/'.length), 'base64url')).toString());
  assert.deepEqual(json, { seed: 3, speed: 10, sql: 'SHOW TOPICS;', layout: 'two_pane' });
  await page.close();
  const reopened = await openLink(hash.slice(1));
  await reopened.page.waitForSelector('.sandbox-grid.two-pane');
  assert.deepEqual([...errors, ...reopened.errors], []);
  await reopened.page.close();
});

test('presenter mode with the two-pane layout at 1920x1080 (screenshot)', async () => {
  const script = `${CREATE}\nSELECT * FROM readings EMIT CHANGES;\nINSERT INTO readings (sensor, reading) VALUES ('s-1', 42);\nINSERT INTO readings (sensor, reading) VALUES ('s-2', 7);`;
  const { page, errors } = await openLink(fragment({ seed: 2018, speed: 1, sql: script, layout: 'two_pane' }), FULL_HD);
  await page.keyboard.press('f');
  await page.waitForFunction(() => document.documentElement.classList.contains('projector'));
  await typeScript(page, 4);
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} .result-table tbody tr`).length === 2, PUSH);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'no horizontal scrollbar');
  // Both panes and the log are on screen, side by side.
  const boxes = await Promise.all([STATEMENTS, PUSH, '.log-panel'].map((sel) => page.locator(sel).boundingBox()));
  assert.ok(boxes[0].x + boxes[0].width <= boxes[1].x, 'statements left of the push query');
  assert.ok(boxes[2].y >= boxes[0].y + boxes[0].height, 'the log below');
  assert.ok(boxes.every((b) => b.y + b.height <= FULL_HD.height), 'all within the screen');
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/presenter-two-pane-1920x1080.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

// ---- Static and offline ---------------------------------------------------------------------

test('the dist works under a sub-path with no network: every request stays on the host, under the path', async () => {
  const prefix = '/some/sub/path/';
  const server = await serveDist('dist', prefix);
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const outside = [];
  const failed = [];
  // Block everything that is not this static host; note what was asked for.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    outside.push(url.href);
    return route.abort();
  });
  context.on('requestfailed', (request) => failed.push(request.url()));
  context.on('response', (response) => { if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`); });
  const errors = [];
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  const requested = [];
  context.on('request', (request) => requested.push(request.url()));
  try {
    await page.goto(server.url);
    await page.waitForSelector('.brand-name', { timeout: 30000 });
    await page.click('.sandbox-entry button');
    await page.waitForSelector('.lane .cell');
    await page.getByLabel('SQL', { exact: true }).fill('SHOW TOPICS;');
    await page.click('.console button.run');
    await page.waitForSelector('.entry .result-table');
    // The speaker view is the same page with ?speaker, under the same path.
    const speaker = await context.newPage();
    await speaker.goto(`${server.url}?speaker`);
    await speaker.waitForSelector('.speaker-view');
    await speaker.close();
    // No stylesheet names a font or an image elsewhere.
    const remote = await page.evaluate(() => [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText)).filter((text) => /url\((?!["']?(data:|\.|[a-z0-9_-]+\.))/i.test(text) || /@import/i.test(text)));
    assert.deepEqual(remote, [], 'stylesheets use only local URLs');
    assert.deepEqual(outside, [], 'no request left the host');
    assert.deepEqual(failed, [], 'every request was served');
    assert.ok(requested.length >= 4, `the page, its script, wasm and stylesheet: ${requested.join(', ')}`);
    for (const url of requested) {
      assert.ok(url.startsWith(server.url), `${url} is under ${prefix}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    server.close();
  }
});
