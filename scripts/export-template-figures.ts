/**
 * Saves every chart of every finished template run of a study as a PNG,
 * through each chart's "Download PNG" button on the dashboard's run page, so
 * the files are exactly what a user downloads.
 *
 * Run: npx tsx scripts/export-template-figures.ts --url http://127.0.0.1:3000
 *        --email you@example.com --password … --study "Template bench" [--out docs/figures]
 *
 * The browser is headless Chromium: CHROMIUM_PATH, else /usr/bin/chromium when
 * it exists, else the one `npx playwright install chromium` downloads.
 * Wrap the command in `flock /tmp/robustlab-next.lock` on a shared machine.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';

const { values: options } = parseArgs({
  options: {
    url: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    study: { type: 'string' },
    out: { type: 'string', default: 'docs/figures' },
  },
});
for (const name of ['url', 'email', 'password', 'study'] as const) {
  if (!options[name]) throw new Error(`Missing --${name}. The usage is at the top of scripts/export-template-figures.ts.`);
}
const outDir = path.resolve(options.out);
mkdirSync(outDir, { recursive: true });

/** Long enough for a summary computed on first read and the charts' first draw on a loaded machine. */
const PAGE_TIMEOUT_MS = 60_000;

/** Returns the URLs of the study's template runs, from the study's Templates page. */
async function templateRunUrls(page: Page): Promise<string[]> {
  await page.getByRole('link', { name: options.study as string, exact: true }).click();
  await page.getByRole('link', { name: 'Templates', exact: true }).click();
  await page.getByRole('heading', { name: 'Experiment templates', level: 1 }).waitFor();
  const links = page.locator('a[href*="/templates/"]');
  await links.first().waitFor({ timeout: PAGE_TIMEOUT_MS });
  const hrefs = await links.evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
  return [...new Set(hrefs)];
}

/**
 * Clicks every "Download PNG" button of a run page and saves each file under
 * its suggested name. Returns null for a run that has no finding yet.
 */
async function exportRunFigures(page: Page, url: string): Promise<string[] | null> {
  await page.goto(url);
  const finding = page.getByRole('heading', { name: 'Finding' });
  await finding.or(page.getByText('The finding appears here')).first().waitFor({ timeout: PAGE_TIMEOUT_MS });
  if (!(await finding.isVisible())) return null;
  const buttons = page.getByRole('button', { name: /^Download PNG of / });
  const saved: string[] = [];
  for (let index = 0; index < (await buttons.count()); index++) {
    const [download] = await Promise.all([page.waitForEvent('download'), buttons.nth(index).click()]);
    const file = path.join(outDir, download.suggestedFilename());
    await download.saveAs(file);
    saved.push(file);
  }
  return saved;
}

const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const browser = await chromium.launch({ headless: true, executablePath, args: ['--no-sandbox', '--disable-gpu'] });
try {
  // 1,000 px wide at device scale 1: the chart grid's two columns give charts of about 480 px.
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  await page.goto(new URL('/sign-in', options.url).toString());
  await page.getByLabel('Email').fill(options.email as string);
  await page.getByLabel('Password').fill(options.password as string);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Studies' }).waitFor();

  const urls = await templateRunUrls(page);
  console.log(`${urls.length} template runs in study ${JSON.stringify(options.study)}`);
  for (const url of urls) {
    const saved = await exportRunFigures(page, url);
    if (saved === null) {
      console.log(`${url}: still running, skipped`);
      continue;
    }
    console.log(`${url}: ${saved.length} PNGs`);
    for (const file of saved) console.log(`  ${path.relative(process.cwd(), file)}`);
  }
} finally {
  await browser.close();
}
