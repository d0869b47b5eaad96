import { test as base, expect, type Page } from '@playwright/test';
import { E2E_USER } from './stack-constants.ts';

/** Email and password of an account that start-stack.ts creates. */
export type E2EAccount = { email: string; password: string };

/** Folder of the screenshots the tests save (git-ignored). */
export const ARTIFACTS_DIR = new URL('./artifacts/', import.meta.url).pathname;

/** Playwright's test with baseURL taken from the ready line of e2e/start-stack.ts. */
export const test = base.extend({
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error('E2E_BASE_URL is missing: run the tests through playwright.config.ts, which starts the stack');
    await use(url);
  },
});

export { expect };

/** Signs in through the sign-in form (as the e2e owner unless `account` is given) and waits for the study list. */
export async function signIn(page: Page, account: E2EAccount = E2E_USER): Promise<void> {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();
}

/**
 * Counts the pixels of the canvas with this accessible name whose colour is
 * within `tolerance` per channel of `rgb`, so that a chart with only axes and
 * grid lines counts as not drawn.
 */
export async function countPixelsNear(page: Page, label: string | RegExp, rgb: [number, number, number], tolerance = 40): Promise<number> {
  const canvas = page.getByRole('img', { name: label });
  return canvas.evaluate(
    (element, { rgb: [red, green, blue], tolerance: maxDistance }) => {
      const source = element as HTMLCanvasElement;
      const context = source.getContext('2d');
      if (!context || source.width === 0 || source.height === 0) return 0;
      const pixels = context.getImageData(0, 0, source.width, source.height).data;
      let matching = 0;
      for (let offset = 0; offset < pixels.length; offset += 4) {
        if (pixels[offset + 3] < 128) continue;
        const near =
          Math.abs(pixels[offset] - red) <= maxDistance &&
          Math.abs(pixels[offset + 1] - green) <= maxDistance &&
          Math.abs(pixels[offset + 2] - blue) <= maxDistance;
        if (near) matching += 1;
      }
      return matching;
    },
    { rgb, tolerance },
  );
}
