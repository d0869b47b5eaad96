import { ARTIFACTS_DIR, expect, signIn, test } from './fixtures.ts';
import { E2E_STUDY } from './stack-constants.ts';

/** 30 rows of two numeric features and a two-class text target, semicolon-separated. */
function irisLikeCsv(): string {
  const rows = ['petal;sepal;species'];
  for (let i = 0; i < 30; i++) rows.push(`${(i % 2) * 3 + i / 30};${(i * 7) % 5};${i % 2 === 0 ? 'setosa' : 'virginica'}`);
  return `${rows.join('\n')}\n`;
}

test('upload CSV through the form and see the dataset page', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await page.getByRole('link', { name: 'Upload dataset' }).click();
  await expect(page.getByRole('heading', { name: 'Upload dataset' })).toBeVisible();

  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'flowers.csv', mimeType: 'text/csv', buffer: Buffer.from(irisLikeCsv()) });
  // The preview detects the delimiter and the header for confirmation.
  await expect(page.getByLabel('Delimiter')).toHaveValue('semicolon');
  await expect(page.getByLabel('First row is a header')).toBeChecked();
  await expect(page.getByRole('table', { name: 'CSV preview' })).toContainText('species');
  await page.getByLabel('Target column').selectOption('species');
  await page.getByRole('button', { name: 'Upload' }).click();

  await expect(page).toHaveURL(/\/datasets\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'flowers' })).toBeVisible();
  await expect(page.getByText('Classification, 2 classes')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Class balance' })).toContainText('setosa');
  await expect(page.getByRole('table', { name: 'Feature statistics' })).toContainText('petal');

  await page.getByLabel('Sample index').fill('3');
  await page.getByRole('button', { name: 'Go to index' }).click();
  await expect(page.getByRole('table', { name: 'Samples' }).getByRole('row').nth(1)).toContainText('3');
  await page.screenshot({ path: `${ARTIFACTS_DIR}dataset-page.png`, fullPage: true });
});

test('decimal commas shown in preview and read as numbers', async ({ page }) => {
  const rows = ['petal;sepal;species'];
  for (let i = 0; i < 30; i++) rows.push(`${i % 7},${i % 10};${(i * 7) % 5};${i % 2 === 0 ? 'setosa' : 'virginica'}`);
  await signIn(page);
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await page.getByRole('link', { name: 'Upload dataset' }).click();

  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'commas.csv', mimeType: 'text/csv', buffer: Buffer.from(`${rows.join('\n')}\n`) });
  await expect(page.getByLabel('Delimiter')).toHaveValue('semicolon');
  await expect(page.getByText('Decimal commas detected: petal will be read as numbers')).toBeVisible();
  await page.getByLabel('Target column').selectOption('species');
  await page.getByRole('button', { name: 'Upload' }).click();

  await expect(page).toHaveURL(/\/datasets\/[0-9a-f-]{36}$/);
  const statistics = page.getByRole('table', { name: 'Feature statistics' });
  await expect(statistics.getByRole('cell', { name: 'petal', exact: true })).toBeVisible();
  await expect(statistics).not.toContainText('petal=');
  await expect(page.getByText('Read with decimal commas: petal')).toBeVisible();
});

test('empty CSV is reported as empty', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await page.getByRole('link', { name: 'Upload dataset' }).click();
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  const alert = page.getByRole('form', { name: 'Upload dataset' }).getByRole('alert');
  await expect(alert).toContainText('Invalid file empty.csv: it is empty');
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(alert).toContainText('Invalid file empty.csv: it is empty');
  await expect(alert).not.toContainText('target');
});

test('experiment on an uploaded CSV shows per-sample instability', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await expect(page).toHaveURL(/\/studies\/[0-9a-f-]{36}$/);
  const studyId = /\/studies\/([0-9a-f-]{36})/.exec(page.url())![1];
  await page.getByRole('link', { name: 'Upload dataset' }).click();
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'flowers-seeded.csv', mimeType: 'text/csv', buffer: Buffer.from(irisLikeCsv()) });
  await expect(page.getByLabel('Target column')).toContainText('species');
  await page.getByLabel('Target column').selectOption('species');
  await page.getByLabel('Split seed').fill('7');
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page).toHaveURL(/\/datasets\/[0-9a-f-]{36}$/);
  const key = (await page.getByText(/^Key upload-/).textContent())!.split(' ')[1];

  // The experiment is created through the API with the signed-in session, as the form would.
  const created = await page.evaluate(
    async ({ studyId, key }) => {
      const config = {
        name: 'flowers search',
        dataset: key,
        space: { architectures: [{ dense: [4] }, { dense: [8] }], learningRates: [0.01], epochs: [2], batchSizes: [8] },
        trainSize: 20,
        validationFraction: 0,
        selection: { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 2, maxInstances: 2 },
      };
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation ($studyId: ID!, $config: JSON!) { createExperiment(studyId: $studyId, config: $config) { id } }', variables: { studyId, config } }),
      });
      return (await response.json()) as { data?: { createExperiment: { id: string } }; errors?: unknown };
    },
    { studyId, key },
  );
  expect(created.errors).toBeUndefined();
  await page.goto(`/experiments/${created.data!.createExperiment.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Finished', { timeout: 120_000 });
  await page.getByRole('row').filter({ hasText: 'Selected model' }).getByRole('link').first().click();
  await page.getByRole('link', { name: 'Per-sample instability' }).click();

  await expect(page.getByRole('heading', { name: /Per-sample instability of/ })).toBeVisible();
  const table = page.getByRole('table', { name: 'Most unstable samples' });
  await expect(table.getByRole('row')).toHaveCount(7);
  await expect(table).toContainText('petal=');
  await expect(page.getByRole('img', { name: 'Instability against mean loss' })).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS_DIR}sample-instability.png`, fullPage: true });
});
