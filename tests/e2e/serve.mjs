// Serves dist/ on 127.0.0.1 with a static server (no app server exists) and launches Debian's
// Chromium through playwright-core, which never downloads a browser.
import { createServer } from 'node:http';
import { mkdir, readFile } from 'node:fs/promises';
import { before, after } from 'node:test';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
};

// Serves `root` under the URL path `prefix` (for example '/talks/streamlab/'), as a static host
// serving the dist from a sub-path would.
// `headers` are added to every answer (the page bench sends COOP/COEP: a cross-origin-isolated
// page gets 5 µs timers instead of 100 µs, see tests/bench/page.bench.mjs).
export async function serveDist(root = 'dist', prefix = '/', headers = {}) {
  const server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!pathname.startsWith(prefix)) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    const path = normalize(`/${pathname.slice(prefix.length)}`);
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}${prefix}`, close: () => server.close() };
}

export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

// Opens the app and collects console errors and page errors while it runs.
export async function openApp(browser, url, viewport) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url);
  await page.waitForSelector('.brand-name', { timeout: 30000 });
  return { page, errors };
}

// One static server over dist/ and one browser for a test file's tests: registers the file's
// `before` and `after` hooks and returns their handles (`app.server.url`, `app.browser`).
export function servedApp(shots = 'tests/e2e/screenshots') {
  const app = { server: undefined, browser: undefined };
  before(async () => {
    await mkdir(shots, { recursive: true });
    app.server = await serveDist();
    app.browser = await launchChromium();
  });
  after(async () => {
    await app.browser?.close();
    app.server?.close();
  });
  return app;
}

// Opens the app from `servedApp()` and enters the sandbox, once its log lanes hold records.
export async function openSandbox(app, viewport) {
  const opened = await openApp(app.browser, app.server.url, viewport);
  await opened.page.click('.sandbox-entry button');
  await opened.page.waitForSelector('.lane .cell');
  return opened;
}
