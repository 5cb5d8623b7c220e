import { chromium } from 'playwright-core';
const base = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
const t0 = Date.now();
await page.goto(`${base}/catalog`);
await page.waitForSelector('.view[data-loaded="true"]');
await page.locator('li[data-namespace="console"] > button').click();
for (const name of ['orders', 'events']) {
  const link = page.getByRole('link', { name, exact: true }).first();
  await link.waitFor();
  await link.click();
  await page.waitForSelector('.view[data-loaded="true"] section h2');
  await page.waitForFunction((n) => document.querySelector('h1')?.textContent?.includes(n) === true, name);
  const schema = await page.$$eval('table.schema tbody tr[data-field-id]', (trs) =>
    trs.map((tr) => [tr.getAttribute('data-field-id'), tr.querySelector('th code')?.textContent, tr.querySelector('td:nth-of-type(2) code')?.textContent, tr.querySelector('td:nth-of-type(3)')?.textContent, tr.getAttribute('data-path')].join(' | ')));
  console.log(name, schema);
  const h2 = await page.$$eval('section h2', (hs) => hs.map((h) => h.textContent));
  console.log(h2);
  const spec = await page.$$eval('section', (ss) => { const s = ss.find((x) => x.querySelector('h2')?.textContent?.trim() === 'Partition spec'); return [...(s?.querySelectorAll('th') ?? [])].map(t=>t.textContent).join(',') + ' // ' + [...(s?.querySelectorAll('tbody tr') ?? [])].map(t=>t.textContent).join(' ; '); });
  console.log(spec);
  const snaps = await page.$$eval('[data-snapshot-id]', (els) => els.map((e) => e.getAttribute('data-snapshot-id') + ' :: ' + e.textContent));
  console.log(snaps);
  for (const t of ['Current snapshot', 'Refs', 'Sort order', 'Metadata log']) console.log(t, '=>', (await page.$$eval('section', (ss, w) => ss.find((x) => x.querySelector('h2')?.textContent?.trim() === w)?.textContent ?? '', t)).slice(0, 400));
  await page.screenshot({ path: `/tmp/dev/${name}.png`, fullPage: true });
  await page.goto(`${base}/catalog`);
  await page.waitForSelector('.view[data-loaded="true"]');
  await page.locator('li[data-namespace="console"] > button').click();
}
console.log('ms', Date.now() - t0);
await browser.close();
