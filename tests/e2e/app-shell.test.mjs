// End-to-end: the built page loads in Chromium with no console error, at laptop and projector
// sizes, in both themes; screenshots go to tests/e2e/screenshots/ (git-ignored).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, openApp, servedApp } from './serve.mjs';

const SHOTS = 'tests/e2e/screenshots';
const app = servedApp(SHOTS);

for (const [width, height] of [[1280, 800], [1920, 1080]]) {
  test(`first screen renders at ${width}x${height} without console errors`, async () => {
    const { page, errors } = await openApp(app.browser, app.server.url, { width, height });
    assert.equal(await page.textContent('.brand-name'), 'streamlab');
    assert.ok(await page.isVisible('#lessons-title'));
    assert.ok(await page.isVisible('.sandbox-entry button'));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal scrollbar');
    await page.screenshot({ path: `${SHOTS}/home-${width}x${height}.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('theme follows the system and the switch overrides it', async () => {
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  await page.goto(app.server.url);
  await page.waitForSelector('.brand-name');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.screenshot({ path: `${SHOTS}/home-dark-1280x800.png` });
  await page.click('.theme-toggle');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
  await page.reload();
  await page.waitForSelector('.brand-name');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light', 'the choice survives a reload');
  await page.close();
});

test('the sandbox opens from the first screen', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url, { width: 1280, height: 800 });
  await page.click('.sandbox-entry button');
  await page.waitForSelector('.sandbox');
  await page.screenshot({ path: `${SHOTS}/sandbox-1280x800.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page works from a sub-path of a static host (relative URLs)', async () => {
  const subPathServer = await serveDist('dist', '/talks/streamlab/');
  try {
    const { page, errors } = await openApp(app.browser, subPathServer.url, { width: 1280, height: 800 });
    assert.equal(await page.textContent('.brand-name'), 'streamlab');
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    subPathServer.close();
  }
});
