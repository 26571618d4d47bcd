// Browser tests for the built MEDAL portal.
//
//   cd tests/browser && npm ci && SITE_DIR=/abs/path/to/public node --test
//
// SITE_DIR defaults to ../../public (relative to this file); CHROMIUM defaults to
// /usr/bin/chromium. The site is served by a tiny static server on 127.0.0.1 (free
// port); the demo site's links are root-relative ("/tasks/..."), so it is served at
// the server root.
//
// For one page of each kind, at 1280x900 and at 390x844, it checks:
//   - axe-core finds no WCAG 2.1 A/AA violation (light mode; dark mode too for every page
//     at 1280 px),
//   - no console error, no uncaught exception, no failed request, no HTTP error,
//   - no request leaves the test server's origin (all such requests are also aborted),
//   - at 390 px nothing makes the page scroll sideways (tables scroll in their wrappers),
// and, with JavaScript disabled, that the home and a task page still show their content.
// A second set of loads without bypassing the page's CSP catches CSP violations (they
// show up as console errors), since the axe runs need the CSP bypassed to inject axe.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { startServer, isFile, htmlFiles, launchBrowser } from './server.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const here = path.dirname(fileURLToPath(import.meta.url));
const SITE_DIR = path.resolve(process.env.SITE_DIR || path.join(here, '..', '..', 'public'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Also checked, separately, at 1280 px in light mode: axe's best practices (landmarks,
// unique landmark names, heading order, ...) and WCAG 2.2 AA (target size).
const AXE_EXTRA_TAGS = ['best-practice', 'wcag22aa'];
// Rules of those extra tags switched off (none at present).
const AXE_EXTRA_DISABLED = [];
// Pages are checked two at a time (one browser, separate contexts); TEST_CONCURRENCY=1 for
// strictly sequential runs.
const CONC = { concurrency: Number(process.env.TEST_CONCURRENCY || 2) };
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

// One page of each kind (page.kind in docs/templates.md).
const PAGES = [
  { kind: 'home', path: '/' },
  { kind: 'tasks', path: '/tasks/' },
  { kind: 'listing', path: '/tasks/modality/ct/' },
  { kind: 'task (released, leaderboard)', path: '/tasks/rectal-cancer-response-mri/', leaderboard: true },
  { kind: 'task (selected, no leaderboard)', path: '/tasks/fetal-heart-anomaly-us/' },
  { kind: 'datacard', path: '/tasks/cvs-lapchole-video/datacard/' },
  { kind: 'ranking analysis', path: '/tasks/rectal-cancer-response-mri/ranking/' },
  { kind: 'systems', path: '/systems/' },
  { kind: 'system', path: '/systems/meridian-fm/' },
  { kind: 'rankings', path: '/rankings/' },
  { kind: 'reports', path: '/reports/' },
  { kind: 'report', path: '/reports/2026-q3/' },
  { kind: 'progress', path: '/progress/' },
  { kind: 'open data', path: '/data/' },
  { kind: 'news', path: '/news/' },
  { kind: 'post', path: '/news/2026-05-20-first-leaderboards/' },
  { kind: 'page', path: '/about/' },
  { kind: 'accessibility statement', path: '/accessibility/' },
  { kind: 'easy read', path: '/easy-read/' },
  { kind: 'sign language (video)', path: '/sign-language/' },
  { kind: 'search', path: '/search/?q=ct' },
  { kind: 'not_found', path: '/404.html' },
  { kind: 'releases', path: '/releases/' },
  { kind: 'release', path: '/releases/2026.2/' },
  { kind: 'release_task', path: '/releases/2026.1/tasks/pneumothorax-emergency-cxr/' },
  { kind: 'task (in two releases, rank history)', path: '/tasks/pneumothorax-emergency-cxr/' },
  { kind: 'home (German)', path: '/de/' },
  { kind: 'task (German, translated)', path: '/de/tasks/rectal-cancer-response-mri/' },
  { kind: 'task (German, falls back to English)', path: '/de/tasks/her2-low-scoring-wsi/' },
  { kind: 'release (German)', path: '/de/releases/2026.2/' },
  { kind: 'progress (German)', path: '/de/progress/' },
  { kind: 'accessibility statement (German)', path: '/de/accessibility/' },
  { kind: 'Leichte Sprache', path: '/de/easy-read/' },
  { kind: 'search (German)', path: '/de/search/?q=rektum' },
];

// ---------------------------------------------------------------------------
// Static server

// The URL path under which the static server serves a built file.
function urlPathOf(file) {
  const rel = path.relative(SITE_DIR, file).split(path.sep).join('/');
  if (rel === 'index.html') return '/';
  return `/${rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel}`;
}


// ---------------------------------------------------------------------------
// Browser helpers

let server;
let origin;
let browser;

before(async () => {
  assert.ok(isFile(path.join(SITE_DIR, 'index.html')),
    `no built site at ${SITE_DIR} (run \`medal build\` first, or set SITE_DIR)`);
  server = await startServer(SITE_DIR);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser(CHROMIUM);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

// Opens `pathname` in a fresh context and records every problem seen while loading it.
async function open(pathname, { viewport = DESKTOP, colorScheme = 'light', javaScriptEnabled = true,
  bypassCSP = true } = {}) {
  const context = await browser.newContext({
    viewport, colorScheme, javaScriptEnabled, bypassCSP, reducedMotion: 'reduce',
    serviceWorkers: 'block',
  });
  const problems = { console: [], failed: [], foreign: [], httpErrors: [] };
  // Anything that is not the test server is recorded and never reaches the network.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (sameOrigin(url)) return route.continue();
    problems.foreign.push(`${route.request().resourceType()} ${url}`);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.console.push(`${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.console.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (!sameOrigin(req.url())) return; // already recorded as foreign
    problems.failed.push(`${req.resourceType()} ${req.url()}: ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.httpErrors.push(`${res.status()} ${res.url()}`);
  });
  const response = await page.goto(origin + pathname, { waitUntil: 'load' });
  assert.ok(response, `no response for ${pathname}`);
  assert.equal(response.status(), 200, `${pathname} answered ${response.status()}`);
  return { context, page, problems };
}

function sameOrigin(url) {
  if (/^(data|blob|about):/.test(url)) return true;
  try { return new URL(url).origin === origin; } catch { return false; }
}

function assertNoProblems(problems, where) {
  const lines = [];
  for (const [what, list] of Object.entries({
    'console errors': problems.console,
    'failed requests': problems.failed,
    'HTTP errors': problems.httpErrors,
    'requests to other origins': problems.foreign,
  })) {
    if (list.length) lines.push(`${what}:\n${list.map((l) => `  - ${l}`).join('\n')}`);
  }
  assert.ok(lines.length === 0, `${where}:\n${lines.join('\n')}`);
}

// tags: axe tags to run; or { rules: [...] } to run only those rules. include: CSS selectors
// that limit the check to part of the page.
async function runAxe(page, tags, disabledRules = [], include = null) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: axeSource });
  }
  return page.evaluate(async ({ tags, disabledRules, include }) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(include ? { include } : document, {
      runOnly: Array.isArray(tags) ? { type: 'tag', values: tags } : { type: 'rule', values: tags.rules },
      rules: Object.fromEntries(disabledRules.map((id) => [id, { enabled: false }])),
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        html: n.html.length > 200 ? `${n.html.slice(0, 200)}…` : n.html,
        summary: n.failureSummary,
      })),
    }));
  }, { tags, disabledRules, include });
}

function formatViolations(violations) {
  return violations.map((v) => {
    const nodes = v.nodes.slice(0, 8).map((n) =>
      `    → ${n.target}\n       ${n.html}\n       ${(n.summary || '').replace(/\n/g, '\n       ')}`).join('\n');
    const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : '';
    return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} node(s))\n    ${v.helpUrl}\n${nodes}${more}`;
  }).join('\n');
}

async function assertAxeClean(page, where, tags = AXE_TAGS, disabledRules = []) {
  const violations = await runAxe(page, tags, disabledRules);
  assert.equal(violations.length, 0,
    `${where}: ${violations.length} axe violation(s) (${tags.join(', ')}):\n${formatViolations(violations)}`);
}

// Horizontal overflow: the page itself must not scroll sideways. Lists the widest offenders.
async function assertNoHorizontalOverflow(page, where) {
  const result = await page.evaluate(() => {
    const vw = window.innerWidth;
    const sw = document.documentElement.scrollWidth;
    const offenders = [];
    if (sw > vw) {
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > vw + 0.5 && r.width > 0) {
          // Skip elements clipped by a scrolling/hidden ancestor. An absolutely positioned
          // element is clipped only by such an ancestor at or above its containing block;
          // a fixed one by none.
          const pos = getComputedStyle(el).position;
          let waitingForCb = pos === 'absolute';
          let clipped = false;
          if (pos !== 'fixed') {
            for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
              const cs = getComputedStyle(a);
              if (waitingForCb && cs.position !== 'static') waitingForCb = false;
              else if (waitingForCb) continue;
              if (cs.overflowX !== 'visible' && a !== document.body
                && a.getBoundingClientRect().right <= vw + 0.5) { clipped = true; break; }
            }
          }
          if (!clipped) {
            const cls = el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
            offenders.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} right=${Math.round(r.right)}`);
          }
        }
        if (offenders.length >= 10) break;
      }
    }
    return { vw, sw, offenders };
  });
  assert.ok(result.sw <= result.vw,
    `${where}: page is ${result.sw}px wide in a ${result.vw}px viewport; overflowing:\n  ${result.offenders.join('\n  ')}`);
}

// ---------------------------------------------------------------------------
// Tests

for (const viewport of [DESKTOP, PHONE]) {
  describe(`pages at ${viewport.width}x${viewport.height}`, CONC, () => {
    for (const p of PAGES) {
      test(`${p.kind} ${p.path}`, async () => {
        const where = `${p.path} @${viewport.width}px`;
        const { context, page, problems } = await open(p.path, { viewport });
        try {
          await assertAxeClean(page, where);
          if (viewport === DESKTOP) {
            await assertAxeClean(page, `${where} (best practices)`, AXE_EXTRA_TAGS, AXE_EXTRA_DISABLED);
          }
          if (viewport.width <= 400) await assertNoHorizontalOverflow(page, where);
          assertNoProblems(problems, where);
        } finally {
          await context.close();
        }
      });
    }
  });
}

describe('dark mode (prefers-color-scheme: dark)', CONC, () => {
  const dark = [
    ...PAGES.map((p) => ({ ...p, viewport: DESKTOP })),
    ...PAGES.filter((p) => ['home', 'rankings'].includes(p.kind) || p.leaderboard)
      .map((p) => ({ ...p, viewport: PHONE })),
  ];
  for (const p of dark) {
    test(`${p.kind} ${p.path} @${p.viewport.width}px`, async () => {
      const where = `${p.path} dark @${p.viewport.width}px`;
      const { context, page, problems } = await open(p.path, { viewport: p.viewport, colorScheme: 'dark' });
      try {
        // Make sure the dark palette is really in use, or this test would prove nothing.
        const matches = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
        assert.ok(matches, 'dark colour scheme not applied');
        await assertAxeClean(page, where);
        assertNoProblems(problems, where);
      } finally {
        await context.close();
      }
    });
  }
});

describe('Content-Security-Policy is respected (no bypass)', CONC, () => {
  for (const p of PAGES) {
    test(`${p.kind} ${p.path}`, async () => {
      const { context, problems } = await open(p.path, { viewport: PHONE, bypassCSP: false });
      try {
        assertNoProblems(problems, `${p.path} (CSP enforced)`);
      } finally {
        await context.close();
      }
    });
  }
});

describe('releases', CONC, () => {
  test('/releases/latest/ leads to the newest release, also without JavaScript', async () => {
    const { context, page, problems } = await open('/releases/latest/', { viewport: DESKTOP, javaScriptEnabled: false });
    try {
      await page.waitForURL(/\/releases\/2026\.2\/$/);
      assert.match(await page.locator('h1').innerText(), /2026\.2/);
      assertNoProblems(problems, '/releases/latest/');
    } finally {
      await context.close();
    }
  });
});

describe('works without JavaScript', CONC, () => {
  const noJs = [
    { ...PAGES.find((p) => p.kind === 'home') },
    { ...PAGES.find((p) => p.leaderboard) },
  ];
  for (const p of noJs) {
    for (const viewport of [DESKTOP, PHONE]) {
      test(`${p.kind} ${p.path} @${viewport.width}px`, async () => {
        const where = `${p.path} without JS @${viewport.width}px`;
        const { context, page, problems } = await open(p.path, { viewport, javaScriptEnabled: false, bypassCSP: false });
        try {
          const h1 = page.locator('main h1');
          assert.equal(await h1.count(), 1, `${where}: expected exactly one h1 in main`);
          assert.ok(await h1.isVisible(), `${where}: h1 not visible`);
          assert.ok((await h1.innerText()).trim().length > 0, `${where}: h1 is empty`);
          const main = page.locator('main');
          assert.ok(await main.isVisible(), `${where}: main not visible`);
          const text = (await main.innerText()).trim();
          assert.ok(text.length > 200, `${where}: main shows only ${text.length} characters`);
          if (p.leaderboard) {
            const table = page.locator('main table').filter({ has: page.locator('tbody tr') });
            assert.ok(await table.count() >= 1, `${where}: no leaderboard table`);
            assert.ok(await table.first().isVisible(), `${where}: leaderboard table not visible`);
            assert.ok(await table.first().locator('tbody tr').count() >= 2,
              `${where}: leaderboard has fewer than two rows`);
          }
          if (viewport.width <= 400) await assertNoHorizontalOverflow(page, where);
          assertNoProblems(problems, where);
        } finally {
          await context.close();
        }
      });
    }
  }
});

// Every page that shows a highlighted code block: its token colours must have enough
// contrast in both colour schemes (static/syntax.css comes from syntect themes, see style.css).
describe('code highlighting contrast, light and dark', CONC, () => {
  const codePages = htmlFiles(SITE_DIR)
    .filter((f) => /<pre class=("code"|code[\s>])/.test(fs.readFileSync(f, 'utf8')))
    .map((f) => urlPathOf(f));
  test('the site has highlighted code blocks to check', () => {
    assert.ok(codePages.length > 0, 'no <pre class="code"> found in the built site');
  });
  for (const pathname of codePages) {
    for (const colorScheme of ['light', 'dark']) {
      test(`${pathname} ${colorScheme}`, async () => {
        const where = `${pathname} ${colorScheme}`;
        const { context, page } = await open(pathname, { viewport: PHONE, colorScheme });
        try {
          const violations = await runAxe(page, { rules: ['color-contrast'] }, [], ['pre.code']);
          assert.equal(violations.length, 0, `${where}: contrast:\n${formatViolations(violations)}`);
        } finally {
          await context.close();
        }
      });
    }
  }
});

// No browser: every root-relative link, image and stylesheet in every built page resolves.
describe('internal links', () => {
  test('every root-relative href/src in the built site points at an existing file', () => {
    const broken = [];
    for (const file of htmlFiles(SITE_DIR)) {
      const html = fs.readFileSync(file, 'utf8');
      for (const m of html.matchAll(/\s(?:href|src)=("[^"]*"|'[^']*'|[^\s>]+)/g)) {
        const raw = m[1].replace(/^["']|["']$/g, '').replace(/&amp;/g, '&');
        if (!raw.startsWith('/') || raw.startsWith('//')) continue;
        const pathname = decodeURIComponent(raw.split(/[?#]/)[0]);
        const target = path.join(SITE_DIR, pathname);
        const ok = pathname.endsWith('/') ? isFile(path.join(target, 'index.html')) : isFile(target);
        if (!ok) broken.push(`${urlPathOf(file)} -> ${raw}`);
      }
    }
    assert.deepEqual([...new Set(broken)], [], 'broken internal links');
  });
});

describe('static server', () => {
  test('serves index.html for directories and 404.html for missing paths', async () => {
    const get = (p) => new Promise((resolve, reject) => {
      http.get(origin + p, (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      }).on('error', reject);
    });
    const home = await get('/');
    assert.equal(home.statusCode, 200);
    assert.match(home.headers['content-type'], /^text\/html/);
    const css = await get('/static/style.css');
    assert.equal(css.statusCode, 200);
    assert.match(css.headers['content-type'], /^text\/css/);
    const missing = await get('/no-such-page/');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.headers['content-type'], /^text\/html/);
    const redirect = await get('/tasks');
    assert.equal(redirect.statusCode, 301);
    assert.equal(redirect.headers.location, '/tasks/');
  });
});
