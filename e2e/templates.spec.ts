import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ARTIFACTS_DIR, countPixelsNear, expect, signIn, test } from './fixtures.ts';
import { E2E_STUDY } from './stack-constants.ts';

/** Colour of the first category in the interval charts (seriesColor(0) = hsl(210, 62%, 46%)). */
const FIRST_SERIES_RGB: [number, number, number] = [45, 117, 190];
/** Long enough for 4 models x 2 instances of 1 epoch on 200 calorimeter clusters with 2 workers, with a wide margin. */
const TRAINING_TIMEOUT_MS = 180_000;

test('template starts from the study page', async ({ page }) => {
  const name = `Initializers ${randomBytes(3).toString('hex')}`;
  await signIn(page);
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await expect(page.getByRole('heading', { name: E2E_STUDY.name, level: 1 })).toBeVisible();

  await page.getByRole('link', { name: 'Templates' }).click();
  await expect(page.getByRole('heading', { name: 'Experiment templates', level: 1 })).toBeVisible();
  const card = page.getByRole('region', { name: 'Initializers' });
  await expect(card).toContainText('each weight initializer');

  await card.getByRole('button', { name: 'Edit params' }).click();
  const params = card.getByLabel(/Params \(JSON/);
  await expect(params).toHaveValue(/"calorimeter-energy-a"/);
  await page.screenshot({ path: `${ARTIFACTS_DIR}templates.png`, fullPage: true });

  // A field writes into the JSON, and invalid params get the API's message, which names the param and what is allowed.
  await card.getByLabel('Instances').fill('1');
  await expect(params).toHaveValue(/"instances": 1\b/);
  await card.getByRole('button', { name: 'Start Initializers' }).click();
  await expect(card.getByRole('alert')).toContainText('Invalid params at instances: value 1');

  await params.fill(JSON.stringify({ name, model: { architecture: { dense: [4] }, epochs: 1, batchSize: 64 }, trainSize: 200, instances: 2 }));
  await expect(card.getByLabel('Train size')).toHaveValue('200');
  await card.getByRole('button', { name: 'Start Initializers' }).click();

  await expect(page).toHaveURL(/\/studies\/[0-9a-f-]{36}\/templates\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Run progress' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'initializers' })).toHaveCount(1);

  await expect(page.getByRole('heading', { name: 'Finding' })).toBeVisible({ timeout: TRAINING_TIMEOUT_MS });
  await expect(page.getByRole('progressbar', { name: 'Run progress' })).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByText(/is the most robust/)).toBeVisible();
  for (const initializer of ['he', 'glorot', 'lecun', 'normal']) {
    await expect(page.getByRole('link', { name: initializer, exact: true })).toBeVisible();
  }
  await expect.poll(() => countPixelsNear(page, /robustness value per initializer/, FIRST_SERIES_RGB)).toBeGreaterThan(20);

  // Download PNG saves the chart under the run's and the chart's name, on an opaque white background.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /^Download PNG of .*robustness value per initializer/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${name.toLowerCase().replace(' ', '-')}-robustness-value.png`);
  const png = readFileSync(await download.path());
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  const corner = await page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d') as CanvasRenderingContext2D;
    context.drawImage(image, 0, 0);
    return [...context.getImageData(0, 0, 1, 1).data];
  }, png.toString('base64'));
  expect(corner).toEqual([255, 255, 255, 255]);
  await page.screenshot({ path: `${ARTIFACTS_DIR}template-run.png`, fullPage: true });

  await page.getByRole('link', { name: 'Templates' }).click();
  await expect(page.getByRole('link', { name })).toBeVisible();
});
