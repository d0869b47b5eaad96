import { randomBytes } from 'node:crypto';
import { ARTIFACTS_DIR, expect, signIn, test } from './fixtures.ts';
import { fillTinyExperiment, openNewExperimentForm } from './experiment-form.ts';
import { E2E_STUDY } from './stack-constants.ts';

test('rejected config shows server error', async ({ page }) => {
  const name = `Rejected search ${randomBytes(3).toString('hex')}`;
  await signIn(page);
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  const historyRows = page.getByRole('table', { name: 'Experiment history' }).getByRole('row');
  const rowsBefore = await historyRows.count();
  await page.getByRole('link', { name: 'New experiment' }).click();
  await expect(page.getByRole('heading', { name: 'New experiment', level: 1 })).toBeVisible();

  // k = 5 warm-up steps exceed n_max = 3, and only the server checks this rule.
  await fillTinyExperiment(page, { name, warmupSteps: '5', maxInstances: '3' });
  await page.getByRole('button', { name: 'Create experiment' }).click();

  const alert = page.getByRole('alert').filter({ hasText: 'was not created' });
  await expect(alert).toContainText('selection.warmupSteps');
  await expect(alert).toContainText('must not exceed selection.maxInstances');
  await expect(page).toHaveURL(/\/experiments\/new$/);
  await page.screenshot({ path: `${ARTIFACTS_DIR}new-experiment-rejected.png`, fullPage: true });

  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await expect(page.getByRole('link', { name })).toHaveCount(0);
  expect(await historyRows.count()).toBe(rowsBefore);
});

test('non-numeric list input blocks submit', async ({ page }) => {
  await signIn(page);
  await openNewExperimentForm(page);

  const learningRates = page.getByLabel('Learning rates');
  await learningRates.fill('0.001, fast');
  await expect(learningRates).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('"fast" is not a number.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create experiment' })).toBeDisabled();

  const firstArchitecture = page.getByRole('group', { name: 'Architecture 1' });
  await learningRates.fill('0.001');
  await firstArchitecture.getByLabel('Conv layers').fill('8x3');
  await expect(page.getByText(/"8x3" is not a convolution layer/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create experiment' })).toBeDisabled();

  await firstArchitecture.getByLabel('Conv layers').fill('8:3');
  await expect(page.getByRole('button', { name: 'Create experiment' })).toBeEnabled();
});

test('tabular dataset adjusts form defaults', async ({ page }) => {
  const rows = ['width,height,kind'];
  for (let i = 0; i < 40; i++) rows.push(`${i / 40},${(i * 7) % 5},${i % 2 === 0 ? 'small' : 'large'}`);
  await signIn(page);
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await page.getByRole('link', { name: 'Upload dataset' }).click();
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'boxes.csv', mimeType: 'text/csv', buffer: Buffer.from(`${rows.join('\n')}\n`) });
  await page.getByLabel('Target column').selectOption('kind');
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page).toHaveURL(/\/datasets\/[0-9a-f-]{36}$/);
  const key = (await page.getByText(/^Key upload-/).textContent())!.split(' ')[1];

  await page.goto('/');
  await openNewExperimentForm(page);
  const form = page.getByRole('form', { name: 'New experiment' });
  const firstConv = form.getByRole('group', { name: 'Architecture 1' }).getByLabel('Conv layers');
  const secondConv = form.getByRole('group', { name: 'Architecture 2' }).getByLabel('Conv layers');
  await expect(secondConv).toHaveValue('4:3');
  await form.getByLabel('Name').fill('Tabular defaults');
  await form.getByLabel('Dataset').selectOption(key);

  await expect(firstConv).toHaveValue('');
  await expect(secondConv).toHaveValue('');
  const trainSize = form.getByLabel('Train size');
  const pool = Number(/pool of ([\d,]+)/.exec((await form.getByText(/from a pool of/).textContent())!)![1].replaceAll(',', ''));
  expect(pool).toBeLessThan(2000);
  await expect(trainSize).toHaveValue(String(pool));
  const create = page.getByRole('button', { name: 'Create experiment' });
  await expect(create).toBeEnabled();

  await firstConv.fill('4:3');
  await expect(page.getByRole('complementary', { name: 'Model space' }).getByText(/is tabular/)).toBeVisible();
  await expect(create).toBeDisabled();
  await firstConv.fill('');
  await expect(create).toBeEnabled();

  // A train size the user typed stays when the dataset changes back.
  await trainSize.fill('25');
  await form.getByLabel('Dataset').selectOption('mnist');
  await expect(secondConv).toHaveValue('4:3');
  await expect(trainSize).toHaveValue('25');
});
