// Bytes a visitor downloads for a first search, measured in headless Chromium.
//
//   node benches/first_query.mjs SITE_DIR [QUERY ...]
//
// Serves SITE_DIR (the static server of the browser tests), opens /search/?q=QUERY in a
// fresh browser (empty cache), waits until the results are shown and adds up every response:
// text files (HTML, CSS, JS, JSON) as a server would send them gzipped (zlib level 6), the
// Pagefind index files and the WebAssembly as they are (they are gzipped already). Needs
// `npm ci` in tests/browser and Debian's chromium.

import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, launchBrowser } from '../tests/browser/server.mjs';

const [siteArg, ...queries] = process.argv.slice(2);
if (!siteArg) {
  console.error('usage: node benches/first_query.mjs SITE_DIR [QUERY ...]');
  process.exit(2);
}
const site = path.resolve(siteArg);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const server = await startServer(site);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launchBrowser(CHROMIUM);
try {
  for (const q of queries.length ? queries : ['pancreatic']) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const seen = [];
    page.on('response', async (res) => {
      seen.push(res.body().then((body) => ({ url: res.url(), type: res.headers()['content-type'] || '', body }))
        .catch(() => null));
    });
    const t0 = Date.now();
    await page.goto(`${origin}/search/?q=${encodeURIComponent(q)}`);
    await page.waitForFunction(() => /for “/.test(document.getElementById('search-status')?.textContent || ''),
      null, { timeout: 60000 });
    const ms = Date.now() - t0;
    await page.waitForLoadState('networkidle');
    const status = await page.locator('#search-status').textContent();
    const files = (await Promise.all(seen)).filter(Boolean);
    let search = 0;
    let total = 0;
    const rows = [];
    for (const f of files) {
      const u = new URL(f.url);
      const compressible = /text\/|javascript|json|svg|xml/.test(f.type);
      const bytes = compressible ? zlib.gzipSync(f.body, { level: 6 }).length : f.body.length;
      total += bytes;
      const isSearch = u.pathname.includes('/pagefind/') || u.pathname.endsWith('/static/search.js');
      if (isSearch) search += bytes;
      rows.push([u.pathname, f.body.length, bytes, isSearch]);
    }
    rows.sort((a, b) => b[2] - a[2]);
    console.log(`site ${site}`);
    console.log(`query "${q}": ${status.trim()} (${ms} ms to results, local server)`);
    console.log(`  search files: ${(search / 1024).toFixed(1)} KB gzip; whole page: ${(total / 1024).toFixed(1)} KB gzip; ${files.length} requests`);
    for (const [p, raw, gz, s] of rows.slice(0, 12)) {
      console.log(`    ${s ? '*' : ' '} ${(gz / 1024).toFixed(1).padStart(7)} KB  (${(raw / 1024).toFixed(1)} KB raw)  ${p}`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
