import { randomBytes } from 'node:crypto';
import { expect, signIn, test } from './fixtures.ts';
import { E2E_STUDY } from './stack-constants.ts';

test('create and revoke an API token', async ({ page }) => {
  await signIn(page);
  await page.getByRole('banner').getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();

  await page.getByLabel('Token name').fill('e2e script');
  await page.getByLabel('Scope').selectOption('READ');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByLabel('New token secret')).toHaveText(/^rlt_[A-Za-z0-9_-]{43}$/);

  const row = page.getByRole('row', { name: /e2e script/ });
  await expect(row).toContainText('Active');
  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked');
});

test('sign up, then get invited to a study', async ({ page, browser }) => {
  const invitee = { email: 'e2e-invitee@robustlab.test', name: 'E2E Invitee', password: 'e2e-invitee-password' };
  const inviteeContext = await browser.newContext();
  const inviteePage = await inviteeContext.newPage();
  await inviteePage.goto('/sign-in');
  await inviteePage.getByRole('button', { name: 'No account yet? Create one' }).click();
  await inviteePage.getByLabel('Name').fill(invitee.name);
  await inviteePage.getByLabel('Email').fill(invitee.email);
  await inviteePage.getByLabel('Password').fill(invitee.password);
  await inviteePage.getByRole('button', { name: 'Create account' }).click();
  await expect(inviteePage.getByRole('heading', { name: 'Studies' })).toBeVisible();
  await expect(inviteePage.getByRole('link', { name: E2E_STUDY.name })).toHaveCount(0);

  await signIn(page);
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  const members = page.getByRole('region', { name: 'Members' });
  await members.getByLabel('Email of an existing user').fill(invitee.email);
  await members.getByRole('button', { name: 'Invite' }).click();
  await expect(members.getByRole('row', { name: /e2e-invitee/ })).toBeVisible();

  await inviteePage.reload();
  await expect(inviteePage.getByRole('link', { name: E2E_STUDY.name })).toBeVisible();

  // Invited as a viewer: no entry points to the forms, and their pages show why instead of a form.
  await inviteePage.getByRole('link', { name: E2E_STUDY.name }).click();
  await expect(inviteePage.getByText('Your role: Viewer')).toBeVisible();
  await expect(inviteePage.getByRole('link', { name: 'New experiment' })).toHaveCount(0);
  await expect(inviteePage.getByRole('link', { name: 'Upload dataset' })).toHaveCount(0);
  const studyPath = new URL(inviteePage.url()).pathname;
  await inviteePage.goto(`${studyPath}/datasets/new`);
  await expect(inviteePage.getByText('Viewers cannot upload datasets')).toBeVisible();
  await expect(inviteePage.getByRole('button', { name: 'Upload' })).toHaveCount(0);
  await inviteePage.goto(`${studyPath}/experiments/new`);
  await expect(inviteePage.getByText('Viewers cannot create experiments')).toBeVisible();
  await expect(inviteePage.getByRole('button', { name: /create experiment/i })).toHaveCount(0);
  await inviteeContext.close();
});

test('create study from study list', async ({ page }) => {
  const name = `E2E created study ${randomBytes(3).toString('hex')}`;
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();

  const form = page.getByRole('form', { name: 'New study' });
  await expect(form.getByRole('button', { name: 'Create study' })).toBeDisabled();
  await form.getByLabel('Study name').fill(name);
  await form.getByLabel('Description').fill('Created through the study list form.');
  await form.getByRole('button', { name: 'Create study' }).click();

  await expect(page).toHaveURL(/\/studies\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByText('Created through the study list form.')).toBeVisible();

  await page.goto('/');
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('Owner');
});
