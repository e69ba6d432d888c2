// End-to-end: the platform strip in the built page. Replicate the topics, fail the broker that
// leads a partition and watch the leader move to another in-sync replica; restore it and watch it
// rejoin the ISR. Then declare a CDC source connector in SQL and see it capture a row edited in
// the database panel. Screenshot of a broker failure in progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, servedApp } from './serve.mjs';

const SHOTS = 'tests/e2e/screenshots';
const app = servedApp(SHOTS);

async function openPlatform(viewport) {
  const opened = await openSandbox(app, viewport);
  await opened.page.click('.platform-toggle');
  await opened.page.waitForSelector('.cluster-panel .partition-row');
  return opened;
}

async function play(page) {
  if ((await page.textContent('.control-play')).includes('Play')) {
    await page.click('.control-play');
  }
}

test('failing the leader\'s broker moves the leader to an in-sync replica, and the broker rejoins', async () => {
  const { page, errors } = await openPlatform({ width: 1400, height: 1000 });
  await page.click('.replicate-all');
  await play(page);
  // Three replicas in sync on the first partition.
  await page.waitForFunction(() => {
    const isr = document.querySelector('.partition-row .isr');
    return isr && isr.textContent.split(',').length === 3;
  }, null, { timeout: 15000 });
  const partition = await page.locator('.partition-row').first().getAttribute('data-partition');
  const row = `.partition-row[data-partition="${partition}"]`;
  const leaderText = await page.locator(`${row} .partition-leader`).textContent();
  const oldLeader = leaderText.replace('broker ', '').trim();
  assert.match(oldLeader, /^[123]$/);

  await page.click(`.broker[data-broker="${oldLeader}"] .broker-toggle`);
  await page.waitForSelector(`.broker[data-broker="${oldLeader}"].down`);
  await page.waitForFunction(([r, old]) => {
    const leader = document.querySelector(`${r} .partition-leader`)?.textContent ?? '';
    return /^broker [123]$/.test(leader) && leader !== `broker ${old}`;
  }, [row, oldLeader], { timeout: 10000 });
  const newLeader = (await page.locator(`${row} .partition-leader`).textContent()).replace('broker ', '').trim();
  assert.notEqual(newLeader, oldLeader);
  assert.ok(!(await page.textContent(`${row} .isr`)).includes(oldLeader), 'the failed broker left the ISR');
  assert.match(await page.textContent('.cluster-events'), new RegExp(`broker ${newLeader} is the leader .*elected from the ISR`));
  await page.locator('.platform').screenshot({ path: `${SHOTS}/cluster-broker-failure.png` });
  await page.screenshot({ path: `${SHOTS}/cluster-broker-failure-page.png` });

  await page.click(`.broker[data-broker="${oldLeader}"] .broker-toggle`);
  await page.waitForFunction(([r, old]) => (document.querySelector(`${r} .isr`)?.textContent ?? '').includes(old),
    [row, oldLeader], { timeout: 15000 });
  assert.equal((await page.locator(`${row} .partition-leader`).textContent()).trim(), `broker ${newLeader}`, 'leadership stays where it moved');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a CDC source connector declared in SQL captures a row edited in the database panel', async () => {
  const { page, errors } = await openPlatform({ width: 1400, height: 1000 });
  await page.click('.create-demo-table');
  await page.waitForSelector('.db-table[data-table="orders"] tbody tr');
  const editor = page.getByLabel('SQL', { exact: true });
  await editor.click();
  await editor.fill("CREATE SOURCE CONNECTOR orders_cdc WITH ('connector.class'='io.debezium.connector.postgresql.PostgresConnector', 'topic.prefix'='dbserver1', 'table.include.list'='public.orders');");
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('.connector[data-connector="orders_cdc"]');
  await play(page);
  await page.fill('.row-json', '{"id": 2, "amount": 99}');
  await page.click('.row-upsert');
  // Snapshot of 3 rows plus one update event: 4 records sent.
  await page.waitForFunction(() => (document.querySelector('.connector[data-connector="orders_cdc"] .connector-progress')?.textContent ?? '').startsWith('4 record'),
    null, { timeout: 10000 });
  await page.waitForSelector('.topic[data-topic="dbserver1.public.orders"]');
  assert.match(await page.textContent('.db-table[data-table="orders"]'), /99/);
  assert.deepEqual(errors, []);
  await page.close();
});
