import { randomBytes } from 'node:crypto';
import { ARTIFACTS_DIR, countPixelsNear, expect, signIn, test } from './fixtures.ts';
import { fillTinyExperiment, openNewExperimentForm } from './experiment-form.ts';

/** Colour of the selected model in the charts (app/_features/charts/palette.ts SELECTED_COLOR). */
const SELECTED_RGB: [number, number, number] = [232, 89, 12];
/** Colour of the first instance in the loss-curve chart (seriesColor(0) = hsl(210, 62%, 46%)). */
const FIRST_SERIES_RGB: [number, number, number] = [45, 117, 190];
/** Long enough for 2 models x 3 instances of 1 epoch on 300 MNIST samples with 2 workers, with a wide margin. */
const TRAINING_TIMEOUT_MS = 180_000;

/** Reads the model labels and displayed values of the models table, in row order. */
async function readModelRows(page: import('@playwright/test').Page) {
  const table = page.getByRole('table', { name: /Models sorted by/ });
  const rows = table.getByRole('row').filter({ has: page.getByRole('rowheader') });
  const count = await rows.count();
  const result: { label: string; value: number }[] = [];
  for (let index = 0; index < count; index += 1) {
    const row = rows.nth(index);
    const label = ((await row.getByRole('rowheader').textContent()) ?? '').replace('Selected model', '').trim();
    const valueText = (await row.getByRole('cell').nth(1).textContent()) ?? '';
    result.push({ label, value: Number.parseFloat(valueText) });
  }
  return result;
}

test('experiment runs from form to selected model', async ({ page }) => {
  const name = `Tiny dense search ${randomBytes(3).toString('hex')}`;
  await signIn(page);
  await openNewExperimentForm(page);
  await fillTinyExperiment(page, { name, warmupSteps: '1', maxInstances: '3' });

  const preview = page.getByRole('complementary', { name: 'Model space' });
  await expect(preview.getByRole('definition').first()).toHaveText('2');
  await page.screenshot({ path: `${ARTIFACTS_DIR}new-experiment.png`, fullPage: true });
  const progressSocket = page.waitForEvent('websocket', (socket) => socket.url().endsWith('/graphql'));
  await page.getByRole('button', { name: 'Create experiment' }).click();

  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}$/);
  expect((await progressSocket).url()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/graphql$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  const progressbar = page.getByRole('progressbar', { name: 'Experiment progress' });
  await expect(progressbar).toBeVisible();
  await expect(progressbar).toHaveAttribute('aria-valuenow', '100', { timeout: TRAINING_TIMEOUT_MS });
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Finished', { timeout: TRAINING_TIMEOUT_MS });

  const selectedRow = page.getByRole('row').filter({ hasText: 'Selected model' });
  await expect(selectedRow).toHaveCount(1);
  await expect(selectedRow.getByRole('cell').filter({ hasText: 'Selected' })).toHaveCount(1);
  const selectedLabel = ((await selectedRow.getByRole('rowheader').textContent()) ?? '').replace('Selected model', '').trim();
  expect(selectedLabel).toMatch(/^d(8|16) /);
  await expect(page.getByRole('region', { name: 'Selected model' })).toContainText(selectedLabel);

  await expect.poll(() => countPixelsNear(page, 'Test loss distribution per model', SELECTED_RGB)).toBeGreaterThan(20);
  await expect.poll(() => countPixelsNear(page, /^Elimination path/, SELECTED_RGB)).toBeGreaterThan(20);
  await expect.poll(() => countPixelsNear(page, /^Loss curves of/, FIRST_SERIES_RGB)).toBeGreaterThan(20);
  await page.screenshot({ path: `${ARTIFACTS_DIR}experiment-finished.png`, fullPage: true });

  for (const [statistic, heading] of [['MAX', 'Max'], ['MIN', 'Min'], ['Q3_IQR', 'Q3 + IQR']]) {
    await page.getByLabel('Sort by statistic').selectOption(statistic);
    await expect(page.getByRole('columnheader', { name: `${heading} (95% CI)` })).toBeVisible();
    const rows = await readModelRows(page);
    expect(rows).toHaveLength(2);
    const values = rows.map((row) => row.value);
    expect(values.every(Number.isFinite)).toBe(true);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  }
  await page.screenshot({ path: `${ARTIFACTS_DIR}experiment-sorted-by-q3-iqr.png`, fullPage: true });

  await page.getByRole('link', { name: 'E2E robustness study' }).click();
  const historyRow = page.getByRole('row').filter({ has: page.getByRole('link', { name }) });
  await expect(historyRow).toContainText('Finished');
  await expect(historyRow).toContainText(selectedLabel);
});
