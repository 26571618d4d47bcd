// Browser tests of the search (/search/ and the header box) on the built demo portal.
//
//   cd tests/browser && SITE_DIR=/abs/path/to/public node --test search.test.mjs
//
// SEARCH_CONFIDENTIAL_WORDS (JSON array, set by tests/browser.rs) holds words that only
// confidential proposals use; a search for each must find nothing.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { startServer, isFile, launchBrowser } from './server.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const here = path.dirname(fileURLToPath(import.meta.url));
const SITE_DIR = path.resolve(process.env.SITE_DIR || path.join(here, '..', '..', 'public'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CONFIDENTIAL = JSON.parse(process.env.SEARCH_CONFIDENTIAL_WORDS || '[]');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const PANCREAS_TASK = '/tasks/prediagnostic-pancreatic-cancer-ct/';

let server;
let origin;
let browser;

before(async () => {
  assert.ok(isFile(path.join(SITE_DIR, 'search', 'index.html')), `no search page in ${SITE_DIR}`);
  server = await startServer(SITE_DIR);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser(CHROMIUM);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

// A fresh context with the page's CSP enforced; records console errors, failed and
// foreign requests (foreign ones are aborted).
async function open(pathname, { viewport = DESKTOP, javaScriptEnabled = true, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport, javaScriptEnabled, bypassCSP, reducedMotion: 'reduce' });
  const problems = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (/^(data|blob|about):/.test(url) || new URL(url).origin === origin) return route.continue();
    problems.push(`foreign request ${url}`);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  await page.goto(origin + pathname, { waitUntil: 'load' });
  return { context, page, problems };
}

const status = (page) => page.locator('#search-status');
const resultLinks = (page) => page.locator('#search-results > li > h3 > a');

// Waits until the live region reports a finished search matching `re`.
async function waitForStatus(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('search-status').textContent),
    re.source, { timeout: 10000 });
}

async function firstHrefs(page, n = 5) {
  return (await resultLinks(page).evaluateAll((as) => as.map((a) => a.getAttribute('href')))).slice(0, n);
}

describe('search', { concurrency: 2 }, () => {
  test('typing a few letters shows the expected task first, with highlighted excerpt', async () => {
    const { context, page, problems } = await open('/search/');
    try {
      await page.locator('#search-q').focus();
      await page.keyboard.type('pancrea', { delay: 30 });
      await waitForStatus(page, /results? for “pancrea”/);
      assert.equal((await firstHrefs(page, 1))[0], PANCREAS_TASK);
      const marks = await page.locator('#search-results > li').first().locator('.search-excerpt mark').allTextContents();
      assert.ok(marks.some((m) => /^pancrea/i.test(m)), `no highlighted match: ${marks}`);
      assert.match(page.url(), /[?&]q=pancrea(&|$)/, 'the query is not in the URL');
      assert.equal(await status(page).getAttribute('role'), 'status');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('stemming: a plural finds the singular, and a title match ranks first', async () => {
    const { context, page, problems } = await open('/search/?q=segmentations');
    try {
      await waitForStatus(page, /results? for/);
      const texts = await page.locator('#search-results .search-excerpt mark').allTextContents();
      assert.ok(texts.some((t) => t.toLowerCase() === 'segmentation'), `"segmentation" not matched: ${texts}`);
      // A system's name is in its page title: that page comes first.
      await page.locator('#search-q').fill('meridian');
      await waitForStatus(page, /results? for “meridian”/);
      assert.equal((await firstHrefs(page, 1))[0], '/systems/meridian-fm/');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a facet narrows the results and its counts; the URL round-trips; back restores', async () => {
    const { context, page, problems } = await open('/search/?q=ct');
    try {
      await waitForStatus(page, /results? for “ct”/);
      const before = await resultLinks(page).count();
      const taskBox = page.locator('input[data-facet="type"][value="Task"]');
      const label = page.locator(`label[for="${await taskBox.getAttribute('id')}"] .chip-count`);
      const expected = Number(await label.textContent());
      assert.ok(expected > 0 && expected < before, `Task count ${expected} of ${before} results`);
      await taskBox.check();
      await page.waitForFunction((n) => document.querySelectorAll('#search-results > li').length === n, expected);
      const kinds = await page.locator('#search-results .search-result-meta .badge').allTextContents();
      assert.ok(kinds.every((k) => k === 'Task'), `non-task results: ${kinds}`);
      assert.match(page.url(), /[?&]type=Task(&|$)/);
      // Counts of the other facets now count tasks only.
      const statusCounts = await page.locator('input[data-facet="status"]').evaluateAll((boxes) =>
        boxes.map((b) => Number(document.querySelector(`label[for="${b.id}"] .chip-count`).textContent)));
      assert.equal(statusCounts.reduce((a, b) => a + b, 0), expected, 'status counts do not add up to the filtered results');

      // Sorting by date is kept in the URL too.
      await page.locator('#search-sort').selectOption('date');
      await page.waitForURL(/sort=date/);
      const shared = page.url();
      const datesShown = () => [...document.querySelectorAll('#search-results .search-result-meta time')].map((t) => t.dateTime);
      await page.waitForFunction(() => {
        const dates = [...document.querySelectorAll('#search-results .search-result-meta time')].map((t) => t.dateTime);
        return dates.every((d, i) => i === 0 || dates[i - 1] >= d);
      });
      const dates = await page.evaluate(datesShown);
      assert.equal(dates.length, expected, 'every task result shows its date');
      assert.deepEqual(dates, [...dates].sort().reverse(), 'not newest first');
      const order = await firstHrefs(page, 20);

      // The same URL in a new page shows the same state and results.
      const again = await open(new URL(shared).pathname + new URL(shared).search);
      try {
        await waitForStatus(again.page, /results? for “ct”/);
        assert.equal(await again.page.locator('#search-q').inputValue(), 'ct');
        assert.ok(await again.page.locator('input[data-facet="type"][value="Task"]').isChecked());
        assert.equal(await again.page.locator('#search-sort').inputValue(), 'date');
        // (Tasks of the same date may come in either order.)
        assert.deepEqual((await firstHrefs(again.page, 20)).sort(), [...order].sort());
        assert.deepEqual(again.problems, []);
      } finally {
        await again.context.close();
      }

      // Back: the filter is off again, then forward puts it back.
      await page.goBack();
      await page.waitForFunction(() => !/sort=date/.test(location.search));
      await page.goBack();
      await page.waitForFunction((n) => document.querySelectorAll('#search-results > li').length === n, before);
      assert.equal(await page.locator('input[data-facet="type"][value="Task"]').isChecked(), false);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('keyboard only: type, tab to the first result, Enter opens it', async () => {
    const { context, page, problems } = await open('/search/', { viewport: PHONE });
    try {
      await page.keyboard.press('Tab'); // skip link
      let onInput = false;
      for (let i = 0; i < 30 && !onInput; i++) {
        await page.keyboard.press('Tab');
        onInput = await page.evaluate(() => document.activeElement?.id === 'search-q');
      }
      assert.ok(onInput, 'the search field cannot be reached with Tab');
      await page.keyboard.type('pancrea');
      await waitForStatus(page, /results? for “pancrea”/);
      let onResult = false;
      for (let i = 0; i < 60 && !onResult; i++) {
        await page.keyboard.press('Tab');
        onResult = await page.evaluate(() => document.activeElement?.matches('#search-results > li:first-child > h3 > a'));
      }
      assert.ok(onResult, 'the first result cannot be reached with Tab');
      await Promise.all([page.waitForURL(`**${PANCREAS_TASK}`), page.keyboard.press('Enter')]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the header box on any page leads to the results (phone)', async () => {
    const { context, page, problems } = await open('/tasks/', { viewport: PHONE });
    try {
      const box = page.locator('#site-search-q');
      assert.ok(await box.isVisible(), 'no visible search box in the header at 390 px');
      await box.fill('pancreatic');
      await Promise.all([page.waitForURL(/\/search\/\?q=pancreatic$/), box.press('Enter')]);
      await waitForStatus(page, /results? for “pancreatic”/);
      assert.equal((await firstHrefs(page, 1))[0], PANCREAS_TASK);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > innerWidth);
      assert.equal(overflow, false, 'the search page scrolls sideways at 390 px');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('results and filters pass axe (WCAG 2.1 AA) at desktop and phone width', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const { context, page } = await open('/search/?q=ct&type=Task', { viewport, bypassCSP: true });
      try {
        await waitForStatus(page, /results? for “ct”/);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => (await axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
          resultTypes: ['violations'],
        })).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`));
        assert.deepEqual(violations, [], `@${viewport.width}px`);
      } finally {
        await context.close();
      }
    }
  });

  test('words only a confidential proposal uses find nothing', async () => {
    assert.ok(CONFIDENTIAL.length > 0, 'SEARCH_CONFIDENTIAL_WORDS is empty');
    const { context, page, problems } = await open('/search/');
    try {
      for (const word of CONFIDENTIAL) {
        await page.locator('#search-q').fill(word);
        await waitForStatus(page, new RegExp(`for “${word}”`));
        // Pagefind may offer pages with similar words (a shorter prefix); none may hold the word.
        assert.match(await status(page).textContent(), /^No results/, `"${word}" found ${await firstHrefs(page)}`);
        const marks = (await page.locator('#search-results mark').allTextContents()).map((m) => m.toLowerCase());
        assert.ok(!marks.some((m) => m.includes(word.toLowerCase())), `"${word}" is highlighted in a result`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a word no page contains finds nothing, not pages that share its first letters', async () => {
    const { context, page, problems } = await open('/search/?q=CANARY4a187a9357c6');
    try {
      await waitForStatus(page, /for “CANARY4a187a9357c6”/);
      assert.equal(await status(page).textContent(), 'No results for “CANARY4a187a9357c6”.');
      assert.equal(await resultLinks(page).count(), 0, `listed ${await firstHrefs(page)}`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('without JavaScript the search page offers the listing pages', async () => {
    const { context, page, problems } = await open('/search/?q=ct', { javaScriptEnabled: false, viewport: PHONE });
    try {
      const browse = page.locator('.search-browse');
      assert.ok(await browse.isVisible());
      const ct = browse.locator('a[href="/tasks/modality/ct/"]');
      assert.ok(await ct.isVisible(), 'no link to the CT listing');
      assert.ok(await page.locator('.search-browse noscript').count() === 1);
      await Promise.all([page.waitForURL('**/tasks/modality/ct/'), ct.click()]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

// The payload site of tests/browser.rs: its task text is full of script tags and handlers.
// Search results show that text; with the CSP bypassed, only search.js's text-only excerpts
// stand between it and the browser.
describe('search over hostile content', () => {
  const HOSTILE = process.env.HOSTILE_SITE_DIR ? path.resolve(process.env.HOSTILE_SITE_DIR) : null;
  test('results for payload words run nothing', { skip: !HOSTILE }, async () => {
    const hostileServer = await startServer(HOSTILE);
    const context = await browser.newContext({ bypassCSP: true });
    try {
      const page = await context.newPage();
      const dialogs = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
      const base = `http://127.0.0.1:${hostileServer.address().port}`;
      for (const q of ['pwned', 'alert', 'script', 'onerror']) {
        await page.goto(`${base}/search/?q=${q}`);
        await waitForStatus(page, /for “/);
        await page.waitForTimeout(200);
        assert.equal(await page.evaluate(() => window.pwned), undefined, `payload ran for ${q}`);
        assert.equal(await page.locator('#search-results script, #search-results img, #search-results iframe, #search-results [onerror], #search-results [onload]').count(), 0);
      }
      assert.deepEqual(dialogs, []);
    } finally {
      await context.close();
      await new Promise((resolve) => hostileServer.close(resolve));
    }
  });
});
