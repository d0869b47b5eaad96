import { expect, signIn, test } from './fixtures.ts';
import { E2E_USER } from './stack-constants.ts';

test('wrong password shows an error', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(E2E_USER.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test('sign out returns to sign-in', async ({ page }) => {
  await signIn(page);
  const header = page.getByRole('banner');
  await expect(header).toContainText(E2E_USER.email);

  await header.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole('heading', { name: 'Sign in to Robustlab' })).toBeVisible();

  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
});
