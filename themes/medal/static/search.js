// The search page (/search/): Pagefind's JS API, from the site's own /pagefind/ folder,
// driven by a plain form. The query, the chosen filters and the sort order live in the URL
// (?q=...&modality=...&sort=date), so results can be shared and the back button works.
// Without JavaScript the page offers the static facet listing pages instead.
//
// Excerpts are rebuilt as DOM nodes (text and <mark> only), never assigned as HTML: the
// indexed text is contributor text.
//
// Every word shown comes from the page, in its language: the data-i18n-* attributes of
// #search (search.html, from the theme's catalogs), with {name} placeholders.

// Facets in the order they are shown, with the data-i18n-* attribute of their headings (as
// a dataset name). Keys are the data-pagefind-filter names of the templates.
const FACETS = [
  ['type', 'i18nFacetType'],
  ['status', 'i18nFacetStatus'],
  ['modality', 'i18nFacetModality'],
  ['specialty', 'i18nFacetSpecialty'],
  ['region', 'i18nFacetRegion'],
  ['category', 'i18nFacetCategory'],
  ['access', 'i18nFacetAccess'],
];
const PAGE_SIZE = 10;

function start(root) {
  const form = root.querySelector('form');
  const input = root.querySelector('#search-q');
  const sort = root.querySelector('#search-sort');
  const status = root.querySelector('#search-status');
  const layout = root.querySelector('.search-layout');
  const filterBox = root.querySelector('#search-filters');
  const list = root.querySelector('#search-results');
  const more = root.querySelector('#search-more');
  const browse = root.querySelector('.search-browse');
  const headerInput = document.getElementById('site-search-q');
  // Filters sit beside the results on wide screens; on a phone they fold away under their
  // heading so the results come first.
  const filterDetails = root.querySelector('#search-filters-box');
  const chosenNote = root.querySelector('#search-filters-chosen');
  if (filterDetails && matchMedia('(min-width: 52rem)').matches) filterDetails.open = true;

  // An interface string (dataset name of its data-i18n-* attribute) with its {name}
  // placeholders filled in one pass, so an inserted value (the query) is never read again.
  function text(name, values = {}) {
    return (root.dataset[name] || '').replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }

  // Listeners are attached at once (below); what is typed while Pagefind loads is searched
  // as soon as it is ready.
  const ready = (async () => {
    const pf = await import(root.dataset.bundle + 'pagefind.js');
    await pf.options({ baseUrl: root.dataset.base, excerptLength: 26 });
    pf.init();
    // Loads the filter indexes: without them a search returns no filter counts.
    await pf.filters();
    return pf;
  })();
  ready.catch(() => {}); // reported by run() when a search needs it
  let pagefind = null;

  let state = readUrl();
  let shown = PAGE_SIZE;
  let generation = 0;
  let timer = null;
  let current = [];
  let nearOnly = false;

  function readUrl() {
    const p = new URLSearchParams(location.search);
    const filters = {};
    for (const [key] of FACETS) {
      const values = p.getAll(key).filter(Boolean);
      if (values.length) filters[key] = values;
    }
    return { q: (p.get('q') || '').trim(), sort: p.get('sort') === 'date' ? 'date' : '', filters };
  }

  function writeUrl(push) {
    const p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    for (const [key] of FACETS) for (const v of state.filters[key] || []) p.append(key, v);
    if (state.sort) p.set('sort', state.sort);
    const qs = p.toString();
    const url = location.pathname + (qs ? '?' + qs : '');
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  function syncForm() {
    input.value = state.q;
    sort.value = state.sort;
    if (headerInput) headerInput.value = state.q;
  }

  function hasFilters() {
    return Object.values(state.filters).some((v) => v.length);
  }

  async function run() {
    const mine = ++generation;
    const active = state.q || hasFilters();
    browse.hidden = Boolean(active);
    if (!active) {
      layout.hidden = true;
      list.replaceChildren();
      status.textContent = '';
      document.title = root.dataset.title;
      return;
    }
    const filters = {};
    for (const [key, values] of Object.entries(state.filters)) {
      if (values.length) filters[key] = { any: values };
    }
    const options = { filters };
    if (state.sort === 'date') options.sort = { date: 'desc' };
    if (!pagefind) {
      try {
        pagefind = await ready;
      } catch (e) {
        status.textContent = text('i18nLoadFailed');
        browse.hidden = false;
        return;
      }
      if (mine !== generation) return;
    }
    const search = await pagefind.search(state.q || null, options);
    if (mine !== generation || !search) return;
    current = search.results;
    // When no word matches, Pagefind falls back to shorter prefixes ("placenta" finds
    // "placed", "CANARY4a18…" finds "cancer"); the whole result set is then such a fallback.
    // Keep only pages with a near miss of the query (a typo away), and say so rather than
    // presenting "placed" as a result for "placenta".
    nearOnly = false;
    if (state.q && current.length) {
      const first = await current[0].data();
      if (mine !== generation) return;
      if (!isMatch(first, state.q)) {
        nearOnly = true;
        current = await nearMisses(current, state.q);
        if (mine !== generation) return;
      }
    }
    shown = PAGE_SIZE;
    // The facet counts of a fallback are counts of prefix matches: show only chosen values.
    renderFilters(nearOnly ? { filters: {}, totalFilters: search.totalFilters } : search);
    await renderResults(mine);
    if (mine !== generation) return;
    layout.hidden = false;
    const n = current.length;
    const parts = {
      query: state.q ? text('i18nQuery', { q: state.q }) : '',
      filters: hasFilters() ? text('i18nFilters') : '',
    };
    const none = text('i18nNoResults', parts);
    if (n === 0) status.textContent = none;
    else if (nearOnly) status.textContent = `${none} ${text(n === 1 ? 'i18nNearOne' : 'i18nNearOther', { n })}`;
    else status.textContent = text(n === 1 ? 'i18nResultsOne' : 'i18nResultsOther', { n, ...parts });
    document.title = state.q ? `${state.q} – ${root.dataset.title}` : root.dataset.title;
  }

  async function renderResults(mine) {
    const data = await Promise.all(current.slice(0, shown).map((r) => r.data()));
    if (mine !== generation) return;
    list.replaceChildren(...data.map(resultItem));
    more.hidden = current.length <= shown;
  }

  function resultItem(d) {
    const li = document.createElement('li');
    li.className = 'search-result';
    const h = document.createElement('h3');
    const a = document.createElement('a');
    a.href = d.url;
    a.textContent = d.meta?.title || d.url;
    h.append(a);
    const meta = document.createElement('p');
    meta.className = 'search-result-meta';
    const kind = document.createElement('span');
    kind.className = 'badge badge--plain badge--kind';
    kind.textContent = d.meta?.type || text('i18nDefaultType');
    meta.append(kind);
    if (d.meta?.date) {
      const t = document.createElement('time');
      t.dateTime = d.meta.date;
      t.textContent = d.meta.date;
      meta.append(' ', t);
    }
    const ex = document.createElement('p');
    ex.className = 'search-excerpt';
    ex.append(...excerptNodes(d.excerpt));
    li.append(h, meta, ex);
    // Sections of a long page that match: links to their headings.
    const subs = (d.sub_results || []).filter((s) => s.url !== d.url && s.url.includes('#') && s.excerpt !== d.excerpt).slice(0, 3);
    if (subs.length) {
      const ul = document.createElement('ul');
      ul.className = 'search-subresults';
      ul.setAttribute('aria-label', text('i18nSections', { title: a.textContent }));
      for (const s of subs) {
        const sli = document.createElement('li');
        const sa = document.createElement('a');
        sa.href = s.url;
        sa.textContent = s.title;
        const sp = document.createElement('p');
        sp.className = 'search-excerpt';
        sp.append(...excerptNodes(s.excerpt));
        sli.append(sa, sp);
        ul.append(sli);
      }
      li.append(ul);
    }
    return li;
  }

  // Does a result highlight the query word, one of its forms, or the word being typed?
  // Compared on rough stems (a few endings of the page's language cut, longest first, from
  // data-i18n-stem-endings), since Pagefind matches Snowball stems: "studies" finds "study",
  // but "placed" is no form of "placenta".
  const STEM_ENDINGS = text('i18nStemEndings').split(/\s+/).filter(Boolean);
  function isMatch(d, q) {
    const terms = queryTerms(q).map(roughStem);
    const words = markedWords(d).map(roughStem);
    if (!words.length) return true; // matched in the title or metadata only
    return terms.some((t) => words.some((w) => w.startsWith(t)));
  }

  // Fallback results checked for near misses: the best-scored ones, each a fragment to load.
  const NEAR_CHECKED = 30;

  async function nearMisses(results, q) {
    const some = results.slice(0, NEAR_CHECKED);
    const data = await Promise.all(some.map((r) => r.data()));
    return some.filter((r, i) => isNear(data[i], q));
  }

  // A near miss: a highlighted word (or its start, for a word still being typed) within a
  // few edits of a query word: "pancreos" finds "pancreas", "placenta" does not find
  // "placed", and a code no page contains finds nothing.
  function isNear(d, q) {
    const words = markedWords(d);
    return queryTerms(q).some((t) => {
      const most = t.length <= 4 ? 1 : t.length <= 8 ? 2 : 3;
      return words.some((w) => editDistance(t, w) <= most || editDistance(t, w.slice(0, t.length)) <= most);
    });
  }

  function queryTerms(q) {
    return q.toLowerCase().split(/\s+/).map(letters).filter(Boolean);
  }

  function markedWords(d) {
    const marked = [d.excerpt, ...(d.sub_results || []).map((x) => x.excerpt)].join(' ')
      .match(/<mark>(.*?)<\/mark>/g) || [];
    return marked.map((m) => letters(m.replace(/<\/?mark>/g, '').toLowerCase())).filter(Boolean);
  }

  // Levenshtein distance (insertions, deletions, substitutions).
  function editDistance(a, b) {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) {
        row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = row;
    }
    return prev[b.length];
  }

  function roughStem(w) {
    for (const end of STEM_ENDINGS) {
      if (w.endsWith(end) && w.length - end.length >= 3) return w.slice(0, -end.length);
    }
    return w;
  }

  function letters(s) {
    return s.replace(/[^\p{L}\p{N}]/gu, '');
  }

  // Text and <mark> only: parsed in an inert document, everything else becomes text.
  function excerptNodes(html) {
    const doc = new DOMParser().parseFromString(`<body>${html || ''}</body>`, 'text/html');
    const out = [];
    for (const node of doc.body.childNodes) {
      if (node.nodeName === 'MARK') {
        const m = document.createElement('mark');
        m.textContent = node.textContent;
        out.push(m);
      } else {
        out.push(document.createTextNode(node.textContent));
      }
    }
    return out;
  }

  function renderFilters(search) {
    const had = document.activeElement;
    const focusKey = had && had.dataset && had.dataset.facet ? `${had.dataset.facet}\u0000${had.value}` : null;
    const groups = [];
    for (const [key, label] of FACETS) {
      const counts = search.filters?.[key] || {};
      const total = search.totalFilters?.[key] || {};
      const chosen = state.filters[key] || [];
      const values = Object.keys(total).filter((v) => (counts[v] || 0) > 0 || chosen.includes(v));
      if (!values.length) continue;
      values.sort((a, b) => (counts[b] || 0) - (counts[a] || 0) || a.localeCompare(b));
      const fs = document.createElement('fieldset');
      fs.className = 'search-facet';
      const lg = document.createElement('legend');
      lg.textContent = text(label);
      fs.append(lg);
      for (const v of values) {
        const id = `f-${key}-${slug(v)}`;
        const row = document.createElement('div');
        row.className = 'search-facet-option';
        const cb = document.createElement('input');
        cb.type = 'checkbox';
        cb.id = id;
        cb.value = v;
        cb.dataset.facet = key;
        cb.checked = chosen.includes(v);
        const lab = document.createElement('label');
        lab.htmlFor = id;
        lab.append(v + ' ');
        const c = document.createElement('span');
        c.className = 'chip-count';
        c.textContent = String(counts[v] || 0);
        lab.append(c);
        row.append(cb, lab);
        fs.append(row);
      }
      groups.push(fs);
    }
    filterBox.replaceChildren(...groups);
    const nChosen = Object.values(state.filters).reduce((n, v) => n + v.length, 0);
    if (chosenNote) chosenNote.textContent = nChosen ? text('i18nChosen', { n: nChosen }) : '';
    filterBox.hidden = groups.length === 0;
    if (focusKey) {
      const again = [...filterBox.querySelectorAll('input')].find((i) => `${i.dataset.facet}\u0000${i.value}` === focusKey);
      if (again) again.focus();
    }
  }

  function slug(s) {
    return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
  }

  // Typing searches after a short pause and replaces the URL; submitting, a filter or the
  // sort order adds a history entry.
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.q = input.value.trim();
      writeUrl(false);
      run();
    }, 120);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    state.q = input.value.trim();
    writeUrl(true);
    run();
  });
  sort.addEventListener('change', () => {
    state.sort = sort.value === 'date' ? 'date' : '';
    writeUrl(true);
    run();
  });
  filterBox.addEventListener('change', (e) => {
    const cb = e.target;
    if (!cb.dataset || !cb.dataset.facet) return;
    const key = cb.dataset.facet;
    const set = new Set(state.filters[key] || []);
    if (cb.checked) set.add(cb.value); else set.delete(cb.value);
    state.filters[key] = [...set];
    writeUrl(true);
    run();
  });
  more.addEventListener('click', async () => {
    const first = shown;
    shown += PAGE_SIZE;
    await renderResults(generation);
    const next = list.children[first]?.querySelector('a');
    if (next) next.focus();
  });
  window.addEventListener('popstate', () => {
    state = readUrl();
    syncForm();
    run();
  });

  root.querySelectorAll('[data-needs-js]').forEach((el) => { el.hidden = false; });
  syncForm();
  run();
}

const searchRoot = document.getElementById('search');
if (searchRoot) start(searchRoot);
