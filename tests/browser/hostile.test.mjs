// No payload from content runs in a browser.
//
//   HOSTILE_SITE_DIR=/abs/path/to/public node --test hostile.test.mjs
//
// tests/browser.rs builds a site whose content carries script payloads (script tags, event
// handlers, javascript: links, template syntax) and runs this file on it: every page is
// opened with JavaScript on and the page's CSP bypassed, so that only the generator's
// sanitizing stands between the payload and the browser. A payload that ran would open a
// dialog or set `window.pwned`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, isFile, htmlFiles, launchBrowser } from './server.mjs';

const SITE_DIR = process.env.HOSTILE_SITE_DIR ? path.resolve(process.env.HOSTILE_SITE_DIR) : null;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let server;
let origin;
let browser;

before(async () => {
  if (!SITE_DIR) return;
  assert.ok(isFile(path.join(SITE_DIR, 'index.html')), `no built site at ${SITE_DIR}`);
  server = await startServer(SITE_DIR);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser(CHROMIUM);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

test('no script from content runs on any page', { skip: !SITE_DIR }, async () => {
  const pages = htmlFiles(SITE_DIR).map((f) => {
    const rel = path.relative(SITE_DIR, f).split(path.sep).join('/');
    return '/' + (rel === 'index.html' ? '' : rel.replace(/index\.html$/, ''));
  });
  assert.ok(pages.length > 5, 'the hostile site has pages');
  const context = await browser.newContext({ bypassCSP: true });
  const ran = [];
  try {
    for (const p of pages) {
      const page = await context.newPage();
      page.on('dialog', async (d) => { ran.push(`${p}: dialog "${d.message()}"`); await d.dismiss(); });
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (!url.startsWith(origin)) {
          ran.push(`${p}: request to ${url}`);
          return route.abort();
        }
        return route.continue();
      });
      await page.goto(origin + p, { waitUntil: 'load' });
      // Give timers and load handlers a moment, then hover and focus everything, which is
      // what onmouseover/onfocus payloads wait for.
      await page.evaluate(() => {
        for (const el of document.querySelectorAll('body *')) {
          el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
          el.dispatchEvent(new FocusEvent('focus'));
        }
      });
      await page.waitForTimeout(50);
      const found = await page.evaluate(() => ({
        pwned: window.pwned === true,
        handlers: [...document.querySelectorAll('*')].flatMap((el) =>
          [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName} ${a.name}`)),
        scriptLinks: [...document.querySelectorAll('a[href], area[href], iframe[src], form[action]')]
          .map((el) => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action'))
          .filter((u) => /^\s*(javascript|vbscript|data):/i.test(u)),
      }));
      if (found.pwned) ran.push(`${p}: window.pwned was set`);
      for (const h of found.handlers) ran.push(`${p}: event handler attribute ${h}`);
      for (const u of found.scriptLinks) ran.push(`${p}: script link ${u}`);
      await page.close();
    }
  } finally {
    await context.close();
  }
  assert.deepEqual(ran, [], ran.join('\n'));
});
