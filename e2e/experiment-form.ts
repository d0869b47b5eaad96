import { expect, type Page } from '@playwright/test';
import { E2E_STUDY } from './stack-constants.ts';

/** Settings of the tiny experiment the tests create: two dense models, each trained at most 3 times. */
export type TinyExperiment = { name: string; warmupSteps: string; maxInstances: string };

/** Opens the e2e study from the study list and then its new-experiment form. */
export async function openNewExperimentForm(page: Page): Promise<void> {
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await expect(page.getByRole('heading', { name: E2E_STUDY.name, level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'New experiment' }).click();
  await expect(page.getByRole('heading', { name: 'New experiment', level: 1 })).toBeVisible();
}

/** Fills the form with dense [8] and dense [16] on MNIST, 1 epoch, train size 300. */
export async function fillTinyExperiment(page: Page, experiment: TinyExperiment): Promise<void> {
  const form = page.getByRole('form', { name: 'New experiment' });
  await form.getByLabel('Name').fill(experiment.name);
  await form.getByLabel('Dataset').selectOption('mnist');

  const first = form.getByRole('group', { name: 'Architecture 1' });
  await first.getByLabel('Conv layers').fill('');
  await first.getByLabel('Dense widths').fill('8');
  const second = form.getByRole('group', { name: 'Architecture 2' });
  await second.getByLabel('Conv layers').fill('');
  await second.getByLabel('Dense widths').fill('16');

  await form.getByLabel('Learning rates').fill('0.003');
  await form.getByLabel('Batch sizes').fill('32');
  await form.getByLabel('Epochs').fill('1');
  await form.getByLabel('Train size').fill('300');
  await form.getByLabel('Warm-up steps (k)').fill(experiment.warmupSteps);
  await form.getByLabel('Instance cap (n_max)').fill(experiment.maxInstances);
  await form.getByLabel('Seed').fill('7');
}
