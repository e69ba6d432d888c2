// End-to-end: provenance across views. A table row selected in Stream ⇄ Table lights the source
// records that built it, and its versions in the table's changelog topic, in the Log lanes; a
// record opened in the log selects the row it built, which the Stream ⇄ Table view then lights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, servedApp } from './serve.mjs';

const SHOTS = 'tests/e2e/screenshots';
const app = servedApp(SHOTS);

async function openTab(page, slug) {
  await page.click(`#view-tab-${slug}`);
  await page.waitForSelector(`#view-tab-${slug}[aria-selected="true"]`);
}

const cellKeys = (page, selector) => page.locator(selector).evaluateAll((cells) => cells.map((c) => c.querySelector('.cell-key')?.textContent));

test('a selected table row lights its source records and its versions in the log, and the reverse', async () => {
  const { page, errors } = await openSandbox(app, { width: 1280, height: 800 });
  await openTab(page, 'duality');
  await page.click('.view-empty button');
  await page.waitForSelector('.duality-table tbody tr');
  const row = page.locator('.duality-table tbody tr .duality-pick').first();
  const key = (await row.textContent()).replace('●', '').trim();
  await row.click();
  await page.waitForSelector('.duality-table tr.lit');

  await openTab(page, 'log');
  await page.waitForSelector('.log-provenance');
  assert.match(await page.textContent('.log-provenance'), new RegExp(`Row ${key} of BALANCES`));
  const sources = await cellKeys(page, '.topic[data-topic="account_transactions"] .cell.lit');
  assert.ok(sources.length >= 1, 'a source record of the row is lit in its lane');
  assert.ok(sources.every((k) => k === key), `only records of key ${key} are lit: ${sources}`);
  const unlit = await cellKeys(page, '.topic[data-topic="account_transactions"] .cell:not(.lit)');
  // The query read every record (earliest), so every shown record of the key built the row.
  assert.ok(!unlit.includes(key), `every shown record of ${key} is lit`);
  const versions = await cellKeys(page, '.topic[data-topic="BALANCES"] .cell.lit-derived');
  assert.ok(versions.length >= 1 && versions.every((k) => k === key), `the row's versions are lit in BALANCES: ${versions}`);
  await page.locator('.topic[data-topic="account_transactions"] .cell.lit').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/provenance-log-1280.png` });

  // The reverse: clear, open another account's record in the log: its row is selected.
  await page.click('.log-provenance button');
  await page.waitForSelector('.log-provenance', { state: 'detached' });
  const other = page.locator('.topic[data-topic="account_transactions"] .cell').filter({ hasNot: page.locator(`.cell-key:text-is("${key}")`) }).first();
  const otherKey = await other.locator('.cell-key').textContent();
  await other.click();
  await page.waitForSelector('.record-details .provenance');
  assert.match(await page.textContent('.record-details .provenance'), new RegExp(`Row ${otherKey} of BALANCES`));
  const derived = await cellKeys(page, '.topic[data-topic="BALANCES"] .cell.lit-derived');
  assert.ok(derived.every((k) => k === otherKey), `the derived row's versions are lit: ${derived}`);
  await page.screenshot({ path: `${SHOTS}/provenance-record-1280.png` });
  await page.keyboard.press('Escape');
  await openTab(page, 'duality');
  await page.waitForSelector('.duality-table tr.lit');
  assert.equal((await page.textContent('.duality-table tr.lit th')).replace('●', '').trim(), otherKey);
  assert.deepEqual(errors, []);
  await page.close();
});
