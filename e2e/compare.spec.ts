import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { ARTIFACTS_DIR, countPixelsNear, expect, signIn, test } from './fixtures.ts';
import { E2E_STUDY } from './stack-constants.ts';

/** Box outline of the first column: seriesColor(0) = hsl(210, 62%, 46%) at alpha 0.9 on white. */
const FIRST_COLUMN_RGB: [number, number, number] = [66, 131, 196];
/** Box outline of the second column: seriesColor(1) = hsl(347.5, 62%, 46%) at alpha 0.9 on white. */
const SECOND_COLUMN_RGB: [number, number, number] = [196, 66, 93];
/** Long enough for two experiments of 2 models x 2 instances of 1 epoch on 300 MNIST samples, with a wide margin. */
const TRAINING_TIMEOUT_MS = 180_000;

/** Sends a GraphQL request from the page, so it carries the signed-in session cookie. */
async function graphql<T>(page: Page, query: string, variables: Record<string, unknown>): Promise<T> {
  const body = await page.evaluate(
    async ({ query, variables }) => {
      const response = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return response.json();
    },
    { query, variables },
  );
  if (body.errors) throw new Error(`GraphQL request failed: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

function tinyConfig(name: string, rule: Record<string, unknown>, learningRate: number) {
  return {
    name,
    dataset: 'mnist',
    space: { architectures: [{ dense: [8] }, { dense: [16] }], learningRates: [learningRate], batchSizes: [32], epochs: [1] },
    trainSize: 300,
    selection: { statistic: 'median', rule, warmupSteps: 1, maxInstances: 2 },
    seed: 7,
  };
}

test('comparison of two finished experiments', async ({ page }) => {
  const suffix = randomBytes(3).toString('hex');
  await signIn(page);
  const { studies } = await graphql<{ studies: { edges: { node: { id: string; name: string } }[] } }>(page, '{ studies { edges { node { id name } } } }', {});
  const studyId = studies.edges.find((edge) => edge.node.name === E2E_STUDY.name)!.node.id;

  const create = 'mutation($studyId: ID!, $config: JSON!) { createExperiment(studyId: $studyId, config: $config) { id name } }';
  const racing = await graphql<{ createExperiment: { id: string; name: string } }>(page, create, {
    studyId,
    config: tinyConfig(`Racing ${suffix}`, { kind: 'racing', confidence: 0.9 }, 0.003),
  });
  const quantile = await graphql<{ createExperiment: { id: string; name: string } }>(page, create, {
    studyId,
    config: tinyConfig(`Quantile ${suffix}`, { kind: 'quantile', q: 0.5 }, 0.01),
  });
  for (const id of [racing.createExperiment.id, quantile.createExperiment.id]) {
    await expect
      .poll(async () => (await graphql<{ experiment: { status: string } }>(page, 'query($id: ID!) { experiment(id: $id) { status } }', { id })).experiment.status, {
        timeout: TRAINING_TIMEOUT_MS,
        intervals: [1000],
      })
      .toBe('FINISHED');
  }

  // Entry point 1: tick both experiments on the study page.
  await page.goto(`/studies/${studyId}`);
  await page.getByRole('checkbox', { name: `Compare ${racing.createExperiment.name}` }).check();
  await page.getByRole('checkbox', { name: `Compare ${quantile.createExperiment.name}` }).check();
  await page.getByRole('link', { name: 'Compare 2 selected' }).click();
  await expect(page).toHaveURL(new RegExp(`/studies/${studyId}/compare\\?experiments=${racing.createExperiment.id},${quantile.createExperiment.id}$`));

  await expect(page.getByRole('heading', { name: 'Compare experiments', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Compared experiments' });
  await expect(table.getByRole('row').filter({ has: page.getByRole('rowheader') })).toHaveCount(2);
  await expect(table).toContainText('of 4 exhaustive');
  await expect(table.getByRole('cell', { name: 'cross_entropy', exact: true })).toHaveCount(2);
  await expect(page.getByRole('note', { name: 'Comparability' })).toHaveCount(0);
  await expect.poll(() => countPixelsNear(page, 'Instance test loss distributions', FIRST_COLUMN_RGB, 30)).toBeGreaterThan(20);
  await expect.poll(() => countPixelsNear(page, 'Instance test loss distributions', SECOND_COLUMN_RGB, 30)).toBeGreaterThan(20);

  const pair = page.getByRole('region', { name: 'Two models head to head' });
  await expect(pair.getByRole('status')).toContainText(/P\(loss of A < loss of B\) = \d/);
  await expect(pair.getByRole('status')).toContainText('95% CI');
  await page.screenshot({ path: `${ARTIFACTS_DIR}compare-experiments.png`, fullPage: true });

  // The statistic lives in the URL too.
  await page.getByLabel('Statistic').selectOption('MAX');
  await expect(page).toHaveURL(/statistic=MAX/);
  await expect(table).toContainText('Max');

  // An experiment on another dataset makes the columns' test losses incomparable; it is cancelled at once, so nothing trains.
  const permuted = await graphql<{ createExperiment: { id: string; name: string } }>(page, create, {
    studyId,
    config: { ...tinyConfig(`Permuted ${suffix}`, { kind: 'quantile', q: 0.5 }, 0.01), dataset: 'mnist-permuted' },
  });
  await graphql(page, 'mutation($id: ID!) { cancelExperiment(id: $id) { id } }', { id: permuted.createExperiment.id });
  await page.goto(`/studies/${studyId}/compare?experiments=${racing.createExperiment.id},${permuted.createExperiment.id}`);
  await expect(page.getByRole('note', { name: 'Comparability' })).toContainText(/different datasets \(mnist v\d+, mnist-permuted v\d+\)/);

  // Entry point 2: the Compare link of the experiment page, which also shows the racing rule.
  await page.goto(`/experiments/${racing.createExperiment.id}`);
  await expect(page.getByText('confidence racing, 90% CI')).toBeVisible();
  await page.getByRole('link', { name: 'Compare', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?experiments=${racing.createExperiment.id}$`));
  await expect(page.getByRole('table', { name: 'Compared experiments' }).getByRole('row').filter({ has: page.getByRole('rowheader') })).toHaveCount(1);
});
