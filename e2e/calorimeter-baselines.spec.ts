import { ARTIFACTS_DIR, expect, signIn, test } from './fixtures.ts';
import { E2E_STUDY } from './stack-constants.ts';

test('calorimeter baselines beside the model metrics', async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page);
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await expect(page).toHaveURL(/\/studies\/[0-9a-f-]{36}$/);
  const studyId = /\/studies\/([0-9a-f-]{36})/.exec(page.url())![1];

  // A one-model experiment through the API with the signed-in session, as the form would create it.
  const created = await page.evaluate(async (studyId) => {
    const config = {
      name: 'calorimeter energy baseline',
      dataset: 'calorimeter-energy-a',
      space: { architectures: [{ dense: [8] }], learningRates: [0.01], epochs: [2], batchSizes: [32] },
      trainSize: 400,
      validationFraction: 0,
      selection: { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 2, maxInstances: 2 },
    };
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation ($studyId: ID!, $config: JSON!) { createExperiment(studyId: $studyId, config: $config) { id dataset { id } } }', variables: { studyId, config } }),
    });
    return (await response.json()) as { data?: { createExperiment: { id: string; dataset: { id: string } } }; errors?: unknown };
  }, studyId);
  expect(created.errors).toBeUndefined();
  const { id: experimentId, dataset } = created.data!.createExperiment;

  await page.goto(`/experiments/${experimentId}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Finished', { timeout: 180_000 });
  await expect(page.getByRole('term').filter({ hasText: 'Baseline RMSE(E)/E' })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: '0.02475 (Sum of deposits)' })).toBeVisible();

  await page.getByRole('row').filter({ hasText: 'Selected model' }).getByRole('link').first().click();
  const metrics = page.getByRole('region', { name: 'Test metrics' });
  await expect(metrics.getByRole('term').filter({ hasText: /^RMSE\(E\)\/E$/ })).toBeVisible();
  await expect(metrics).toContainText('(Sum of deposits: 0.02475)');
  await expect(metrics).toContainText('Mean over 2 finished instances');
  await page.screenshot({ path: `${ARTIFACTS_DIR}model-baselines.png`, fullPage: true });

  await page.goto(`/datasets/${dataset.id}`);
  const baselines = page.getByRole('region', { name: 'Baselines' });
  await expect(baselines.getByRole('term')).toHaveText('Sum of deposits');
  await expect(baselines.getByRole('definition')).toHaveText('RMSE(E)/E 0.02475');
});
