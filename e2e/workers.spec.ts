import { expect, signIn, test } from './fixtures.ts';

test('workers page lists live workers', async ({ page }) => {
  await signIn(page);
  await page.getByRole('banner').getByRole('link', { name: 'Workers' }).click();

  await expect(page).toHaveURL(/\/workers$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Workers' })).toBeVisible();
  // start-stack.ts runs the stack with WORKER_CONCURRENCY=2.
  await expect(page.getByRole('status')).toContainText('2 live workers');

  const live = page.getByRole('region', { name: 'Live workers' });
  const rows = live.getByRole('row').filter({ has: page.getByRole('rowheader') });
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'slot 0' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'slot 1' })).toHaveCount(1);
  for (const row of await rows.all()) {
    await expect(row).toContainText(/tensorflow|wasm|cpu/);
    await expect(row).toContainText(/Idle|Busy/);
    await expect(row).toContainText(/TensorFlow\.js \d+\.\d+\.\d+/);
  }
});
