// Lighthouse measurements of a running Chợ OCOP site: home, catalog, one product page and one producer
// page, each on first visits (cold HTTP cache) and a repeat visit (the same page again in the same
// Chrome profile, HTTP cache kept). Prints one Markdown table row per page on stdout; progress goes
// to stderr. Run through `bash tests/lighthouse/run.sh [BASE_URL]`, which installs the pinned packages.
//
// Environment: LH_RUNS (first visits per page, default 3; the table shows medians), CHROME_PATH (default
// /usr/bin/chromium when present), LH_OUT (a folder: the full JSON reports are written there),
// LH_MODULES (the node_modules folder holding lighthouse, set by run.sh).

import {createRequire} from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

/** Imports a package from LH_MODULES when set (run.sh installs outside the clone), else normally. */
async function load(name) {
  const dir = process.env.LH_MODULES;
  if (!dir) return import(name);
  const require = createRequire(path.join(path.resolve(dir), '..', 'package.json'));
  return import(pathToFileURL(require.resolve(name)).href);
}

const log = (...args) => console.error('[lighthouse]', ...args);

function usageExit(message) {
  console.error(message);
  console.error('usage: bash tests/lighthouse/run.sh [BASE_URL]   (default http://127.0.0.1:3000)');
  process.exit(2);
}

const base = (process.argv[2] || 'http://127.0.0.1:3000').replace(/\/+$/, '');
if (process.argv.length > 3 || !/^https?:\/\//.test(base)) usageExit(`bad arguments: ${process.argv.slice(2).join(' ')}`);
const runs = Number(process.env.LH_RUNS || 3);
if (!Number.isInteger(runs) || runs < 1) usageExit(`LH_RUNS must be a positive integer, not ${process.env.LH_RUNS}`);

/** The pages to measure: home, catalog, and the first product and its producer. */
async function discoverPages() {
  let home;
  try {
    home = await fetch(`${base}/`);
  } catch (e) {
    usageExit(`no site answers at ${base}/ (${e.cause?.code ?? e.message}); start it first with the README run command (bash .ci/dev run)`);
  }
  if (!home.ok) usageExit(`${base}/ answered ${home.status}`);

  let product;
  let producer;
  const api = await fetch(`${base}/api/v1/products?per_page=1`);
  if (api.ok) {
    const first = (await api.json()).items?.[0];
    if (first) {
      product = `/san-pham/${encodeURIComponent(first.slug)}`;
      producer = `/co-so/${encodeURIComponent(first.producer.slug)}`;
    }
  }
  if (!product || !producer) {
    // Fall back on the catalog's own links.
    const html = await (await fetch(`${base}/san-pham`)).text();
    product ??= html.match(/href="(\/san-pham\/[^"?#/]+)"/)?.[1];
    producer ??= html.match(/href="(\/co-so\/[^"?#/]+)"/)?.[1];
  }
  const pages = [
    {name: 'home', path: '/'},
    {name: 'catalog', path: '/san-pham'},
  ];
  if (product) pages.push({name: 'product', path: product});
  else log('no product found (empty catalog?): the product page is skipped');
  if (producer) pages.push({name: 'producer', path: producer});
  else log('no producer found: the producer page is skipped');
  return pages;
}

/** Per request of a run's DevTools log: URL, status, and whether the HTTP cache answered it. */
function cacheStats(devtoolsLog) {
  const requests = new Map();
  const get = (id) => {
    if (!requests.has(id)) requests.set(id, {url: '', status: 0, cached: false});
    return requests.get(id);
  };
  for (const {method, params} of devtoolsLog ?? []) {
    if (method === 'Network.requestWillBeSent') get(params.requestId).url = params.request.url;
    else if (method === 'Network.requestServedFromCache') get(params.requestId).cached = true;
    else if (method === 'Network.responseReceived') {
      const r = get(params.requestId);
      r.url = params.response.url;
      r.status = params.response.status;
      if (params.response.fromDiskCache || params.response.fromPrefetchCache) r.cached = true;
    }
    // A revalidated response shows as 200 from the cache in responseReceived; the wire's 304 is here.
    else if (method === 'Network.responseReceivedExtraInfo') get(params.requestId).wireStatus = params.statusCode;
  }
  for (const r of requests.values()) if (r.wireStatus && !r.cached) r.status = r.wireStatus;
  const list = [...requests.values()].filter((r) => r.url && !r.url.startsWith('data:') && r.status);
  return {
    total: list.length,
    cached: list.filter((r) => r.cached).length,
    revalidated: list.filter((r) => !r.cached && r.status === 304).length,
    requests: list,
  };
}

const isWasm = (url) => new URL(url).pathname.endsWith('.wasm');

function summarize(runnerResult) {
  const lhr = runnerResult.lhr;
  const audit = (id) => lhr.audits[id];
  const requests = audit('network-requests')?.details?.items ?? [];
  const sum = (pred) => requests.filter(pred).reduce((n, r) => n + (r.transferSize ?? 0), 0);
  const lcpTable = audit('largest-contentful-paint-element')?.details?.items?.[0];
  const lcpNode = lcpTable?.items?.[0]?.node ?? lcpTable?.node;
  return {
    scores: Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]?.score])),
    fcp: audit('first-contentful-paint')?.numericValue,
    lcp: audit('largest-contentful-paint')?.numericValue,
    tbt: audit('total-blocking-time')?.numericValue,
    bytes: audit('total-byte-weight')?.numericValue,
    wasmBytes: sum((r) => isWasm(r.url)),
    jsBytes: sum((r) => r.resourceType === 'Script'),
    requestCount: requests.length,
    lcpElement: lcpNode ? `${lcpNode.nodeLabel ?? ''} — \`${lcpNode.selector ?? lcpNode.snippet ?? ''}\`` : '(none)',
    cache: cacheStats(runnerResult.artifacts?.DevtoolsLog),
    // Lantern counts every request that ended before the observed (unthrottled) LCP into the simulated
    // LCP: when the local server delivers the wasm before the first paint, its download lands in the LCP.
    wasmBeforeLcp: requests.some(
      (r) => isWasm(r.url) && r.networkEndTime < (audit('metrics')?.details?.items?.[0]?.observedLargestContentfulPaint ?? -1),
    ),
    error: lhr.runtimeError ? `${lhr.runtimeError.code}: ${lhr.runtimeError.message}` : undefined,
    warnings: lhr.runWarnings ?? [],
  };
}

const kib = (n) => (n == null ? '–' : n >= 100 * 1024 ? `${Math.round(n / 1024)} KiB` : `${(n / 1024).toFixed(1)} KiB`);
const ms = (n) => (n == null ? '–' : `${Math.round(n)} ms`);
const score = (s) => (s == null ? '–' : String(Math.round(s * 100)));

async function main() {
  const pages = await discoverPages();
  const {default: lighthouse} = await load('lighthouse');
  const chromeLauncher = await load('chrome-launcher');

  let chromePath = process.env.CHROME_PATH;
  if (!chromePath && fs.existsSync('/usr/bin/chromium')) chromePath = '/usr/bin/chromium';
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-lighthouse-'));
  const chromeFlags = [
    '--headless=new',
    '--disable-gpu',
    // No internet on the build machines: keep Chrome's own traffic out of the measurements.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
  ];
  if (process.getuid?.() === 0) chromeFlags.push('--no-sandbox');

  const outDir = process.env.LH_OUT;
  if (outDir) fs.mkdirSync(outDir, {recursive: true});

  log(`Chrome ${chromePath ?? '(found by chrome-launcher)'}, profile ${userDataDir}`);
  const chrome = await chromeLauncher.launch({chromePath, chromeFlags, userDataDir, logLevel: 'silent'});
  // Lighthouse defaults, spelled out: mobile, simulated Slow 4G and 4× CPU slowdown.
  const flags = {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    locale: 'en-US',
    formFactor: 'mobile',
    throttlingMethod: 'simulate',
    onlyCategories: CATEGORIES,
  };
  const results = [];
  try {
    for (const page of pages) {
      const url = `${base}${page.path}`;
      const colds = [];
      for (let i = 1; i <= runs; i++) {
        log(`${page.name}: first visit ${i}/${runs} ${url}`);
        // First visit: Lighthouse clears the browser's HTTP cache and the origin's storage first.
        const cold = await lighthouse(url, flags);
        if (outDir) fs.writeFileSync(path.join(outDir, `${page.name}.first-${i}.json`), cold.report);
        colds.push(summarize(cold));
        if (i === 1) results.version = cold.lhr.lighthouseVersion;
      }
      log(`${page.name}: repeat visit`);
      // Repeat visit: same Chrome and profile, nothing cleared, so the last first visit's HTTP cache answers.
      const warm = await lighthouse(url, {...flags, disableStorageReset: true, onlyCategories: ['performance']});
      if (outDir) fs.writeFileSync(path.join(outDir, `${page.name}.repeat.json`), warm.report);
      results.push({page, colds, warm: summarize(warm)});
    }
  } finally {
    await chrome.kill();
    fs.rmSync(userDataDir, {recursive: true, force: true});
  }

  const median = (xs) => {
    const v = xs.filter((x) => x != null).sort((a, b) => a - b);
    return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : undefined;
  };
  // The median of each value over the runs, and its range when the runs disagree by more than 20 %.
  const spread = (xs, fmt) => {
    const v = xs.filter((x) => x != null);
    const m = median(v);
    if (m == null) return '–';
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    return hi - lo > 0.2 * Math.max(Math.abs(m), 1) ? `${fmt(m)} (${fmt(lo)}–${fmt(hi)})` : fmt(m);
  };
  const scoreSpread = (xs) => spread(xs.map((x) => (x == null ? x : Math.round(x * 100))), (n) => String(Math.round(n)));

  console.log(
    `Lighthouse ${results.version ?? ''} — ${base} — mobile, simulated Slow 4G + 4× CPU — ` +
      `median of ${runs} first visit${runs > 1 ? 's' : ''} — ${new Date().toISOString()}`,
  );
  console.log('');
  console.log('| page | perf | a11y | best pr. | SEO | FCP | LCP | TBT | first visit | wasm | JS | repeat visit | repeat: cached / 304 / requests |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const {page, colds, warm} of results) {
    const col = (f) => colds.map(f);
    console.log(
      `| ${page.name} \`${page.path}\` | ${CATEGORIES.map((c) => scoreSpread(col((r) => r.scores[c]))).join(' | ')} ` +
        `| ${spread(col((r) => r.fcp), ms)} | ${spread(col((r) => r.lcp), ms)} | ${spread(col((r) => r.tbt), ms)} ` +
        `| ${spread(col((r) => r.bytes), kib)} | ${spread(col((r) => r.wasmBytes), kib)} | ${spread(col((r) => r.jsBytes), kib)} ` +
        `| ${kib(warm.bytes)} | ${warm.cache.cached} / ${warm.cache.revalidated} / ${warm.cache.total} |`,
    );
  }
  console.log('');
  console.log(
    'Medians over the first visits, (min–max) when the runs differ by more than 20 %. Bytes are transferred ' +
      '(compressed) bytes. "Repeat visit" loads the page again with the first visits\' HTTP cache ' +
      '(cached = answered by it without asking the server, 304 = revalidated).',
  );
  console.log('');
  console.log('LCP element, and what the repeat visit fetched again:');
  for (const {page, colds, warm} of results) {
    const elements = [...new Set(colds.map((r) => r.lcpElement))];
    console.log(`- ${page.name}: ${elements.join(' | ')}`);
    const early = colds.filter((r) => r.wasmBeforeLcp).length;
    if (early) {
      console.log(
        `  - in ${early} of ${colds.length} runs the wasm had finished loading before the observed LCP paint; ` +
          'the simulated LCP then includes its download',
      );
    }
    const refetched = warm.cache.requests.filter((r) => !r.cached);
    const shown = refetched.slice(0, 5).map((r) => `${new URL(r.url).pathname} (${r.status})`);
    if (refetched.length > shown.length) shown.push(`… ${refetched.length - shown.length} more`);
    console.log(`  - repeat visit asked the server for: ${shown.join(', ') || 'nothing'}`);
    const notCold = colds.filter((r) => r.cache.cached > 0).length;
    if (notCold) console.log(`  - ${notCold} first visits were not cold: some requests came from the HTTP cache`);
    for (const [which, r] of [...colds.map((r, i) => [`first visit ${i + 1}`, r]), ['repeat visit', warm]]) {
      if (r.error) console.log(`  - ${which} error: ${r.error}`);
      for (const w of r.warnings) console.log(`  - ${which} warning: ${w}`);
    }
  }
  if (outDir) log(`full reports in ${outDir}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
