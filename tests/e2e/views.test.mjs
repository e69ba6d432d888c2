// End-to-end: the sandbox's views in the built page. Open each tab (Log, Stream ⇄ Table,
// Windows, Race, Topology), create what it needs with its example button, assert what it shows,
// and take screenshots of every tab at 1920×1080, 1280×800 and 390×844.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, servedApp } from './serve.mjs';

const SHOTS = 'tests/e2e/screenshots';
const SIZES = [
  { name: '1920', viewport: { width: 1920, height: 1080 } },
  { name: '1280', viewport: { width: 1280, height: 800 } },
  { name: '390', viewport: { width: 390, height: 844 } },
];
const app = servedApp(SHOTS);

async function openTab(page, slug) {
  await page.click(`#view-tab-${slug}`);
  await page.waitForSelector(`#view-tab-${slug}[aria-selected="true"]`);
}

test('stream ⇄ table: effects, table rows, changelog and provenance', async () => {
  const { page, errors } = await openSandbox(app, { width: 1280, height: 800 });
  await openTab(page, 'duality');
  await page.click('.view-empty button');
  await page.waitForSelector('.duality-table tbody tr');
  assert.ok(await page.locator('.incoming .duality-item').count() >= 10);
  assert.match(await page.textContent('.incoming'), /insert/);
  assert.match(await page.textContent('#duality-changelog'), /Changelog · topic BALANCES/);
  await page.locator('.duality-table tbody tr .duality-pick').first().click();
  await page.waitForSelector('.incoming .duality-item.lit');
  assert.match(await page.textContent('.provenance'), /was built by \d+ records? of account_transactions/);
  // The reverse: a record lights its row.
  await page.locator('.incoming .duality-pick').last().click();
  assert.equal(await page.locator('.duality-table tr.lit').count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

/// Starts the race on account_transactions at 1000×, marks an event and waits until the batch
/// side has read it.
async function raceUntilTheBatchSeesTheMark(page) {
  await page.click('.race-start');
  await page.click('.producer[data-producer="account_transactions"] .producer-toggle');
  await page.click('.speed-button:has-text("1000×")');
  await page.click('.race-mark');
  await page.waitForFunction(() => /batch saw it/.test(document.querySelector('.race-event')?.textContent ?? ''), null, { timeout: 20000 });
}

test('windows: bands with counts; race: saw-tooth against flat; topology: rates and lag', async () => {
  const { page, errors } = await openSandbox(app, { width: 1280, height: 800 });
  await openTab(page, 'windows');
  await page.click('.view-empty button');
  await page.waitForSelector('.windows-chart .band');
  assert.match(await page.textContent('.windows-summary'), /^TUMBLING windows of 10\.0 s, grace 2\.0 s/);
  assert.match(await page.textContent('.windows-list'), /N=\d+/);

  await openTab(page, 'race');
  await raceUntilTheBatchSeesTheMark(page);
  const stream = await page.textContent('.freshness.stream .freshness-age');
  assert.match(stream, /^\d+\.\d s old$/, `stream freshness in seconds: ${stream}`);
  const points = (await page.getAttribute('.race-chart polyline.batch', 'points')).split(' ').map((p) => Number(p.split(',')[1]));
  const drops = points.slice(1).filter((y, i) => y > points[i] + 20).length; // SVG y grows downwards
  assert.ok(drops >= 1, `the batch line falls at a schedule point (${points.length} points)`);

  await openTab(page, 'topology');
  await page.waitForSelector('.topology-chart .node.producer');
  const edge = page.locator(`.topology-chart .edge[data-from="producer:account_transactions"]`);
  await page.waitForFunction(() => /[1-9][\d.]*\/s/.test(document.querySelector('.topology-chart .edge[data-from="producer:account_transactions"] text')?.textContent ?? ''));
  assert.match(await edge.textContent(), /\/s/);
  assert.match(await page.textContent('.topology-chart'), /lag \d+/);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const { name, viewport } of SIZES) {
  test(`every tab renders at ${viewport.width}×${viewport.height} (screenshots)`, async () => {
    const { page, errors } = await openSandbox(app, viewport);
    await page.screenshot({ path: `${SHOTS}/views-log-${name}.png` });
    await openTab(page, 'duality');
    await page.click('.view-empty button');
    await page.waitForSelector('.duality-table tbody tr');
    await page.locator('.duality-table tbody tr .duality-pick').first().click();
    await page.screenshot({ path: `${SHOTS}/views-duality-${name}.png` });
    await openTab(page, 'windows');
    await page.click('.view-empty button');
    await page.waitForSelector('.windows-chart .band');
    await page.screenshot({ path: `${SHOTS}/views-windows-${name}.png` });
    await openTab(page, 'race');
    await raceUntilTheBatchSeesTheMark(page);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${SHOTS}/views-race-${name}.png` });
    await openTab(page, 'topology');
    await page.waitForSelector('.topology-chart .node');
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SHOTS}/views-topology-${name}.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
}
