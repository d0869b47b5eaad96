import { expect, signIn, test } from './fixtures.ts';
import { fillTinyExperiment, openNewExperimentForm } from './experiment-form.ts';

test('random sampling and early stopping', async ({ page }) => {
  await signIn(page);
  await openNewExperimentForm(page);
  await fillTinyExperiment(page, { name: 'Sampled search', warmupSteps: '1', maxInstances: '3' });
  const form = page.getByRole('form', { name: 'New experiment' });
  const preview = page.getByRole('complementary', { name: 'Model space' });

  // 2 architectures x 3 activations x 2 learning rates = 12 models; the median rule halves them per step.
  await form.getByRole('group', { name: 'Activations' }).getByLabel('prelu').check();
  await form.getByRole('group', { name: 'Activations' }).getByLabel('tanh').check();
  await form.getByLabel('Learning rates').fill('0.003, 0.01');
  await expect(preview.getByText('12', { exact: true })).toBeVisible();
  await expect(preview.getByText('30 (24–36)')).toBeVisible();

  await form.getByLabel('Random sample of distinct models').check();
  // An empty count samples the smaller of 200 and the 12 models within the budget.
  await expect(form.getByLabel('Models to sample')).toHaveValue('');
  await expect(preview.getByText('12 models within budget')).toBeVisible();
  await expect(preview.getByText('12', { exact: true })).toBeVisible();
  await form.getByLabel('Models to sample').fill('5');
  await expect(preview.getByText('12 models within budget')).toBeVisible();
  await expect(preview.getByText('5', { exact: true })).toBeVisible();

  const loss = form.getByRole('group', { name: 'Loss' });
  await expect(loss.getByLabel('Task default (cross_entropy)')).toBeChecked();
  await loss.getByLabel('cross_entropy', { exact: true }).check();
  await expect(loss.getByLabel('Task default (cross_entropy)')).not.toBeChecked();
  await expect(loss.getByRole('radio')).toHaveCount(2);

  await form.getByLabel('Stop when the validation loss stops improving').check();
  await form.getByLabel('Patience').fill('0');
  await expect(preview.getByText(/Invalid config at space\.earlyStopping\.patience/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create experiment' })).toBeDisabled();
  await form.getByLabel('Patience').fill('2');

  await page.getByRole('button', { name: 'Create experiment' }).click();
  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}$/);
  const header = page.locator('.experiment-header');
  await expect(header.getByText('random 5, seed 1')).toBeVisible();
  await expect(header.getByText('patience 2, min delta 0')).toBeVisible();
});
