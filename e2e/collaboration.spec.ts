import type { Browser, Page } from '@playwright/test';
import { ARTIFACTS_DIR, expect, signIn, test, type E2EAccount } from './fixtures.ts';
import { E2E_MEMBER, E2E_STUDY, E2E_USER } from './stack-constants.ts';

/** Opens a browser context of its own (separate cookies) and signs in there. */
async function openSession(browser: Browser, baseURL: string, account: E2EAccount): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, account);
  await page.getByRole('link', { name: E2E_STUDY.name }).click();
  await expect(page.getByRole('heading', { name: E2E_STUDY.name, level: 1 })).toBeVisible();
  return page;
}

async function addStudyNote(page: Page, body: string): Promise<void> {
  const panel = page.getByRole('region', { name: 'Study notes' });
  await panel.getByLabel('New note').fill(body);
  await panel.getByRole('button', { name: 'Add note' }).click();
  await expect(panel.getByLabel('New note')).toHaveValue('');
}

test('two members share notes, activity and a conflict-safe edit', async ({ browser, baseURL }) => {
  const owner = await openSession(browser, baseURL!, E2E_USER);
  const member = await openSession(browser, baseURL!, E2E_MEMBER);

  // The owner writes a note with Markdown and a script tag, which must show as text.
  await addStudyNote(owner, '**Plan**: compare Q3 + IQR across seeds. <script>window.injected = 1</script>');
  const ownerNotes = owner.getByRole('region', { name: 'Study notes' });
  await expect(ownerNotes.locator('strong', { hasText: 'Plan' })).toBeVisible();
  await expect(ownerNotes.getByText('<script>window.injected = 1</script>', { exact: false })).toBeVisible();
  expect(await owner.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();

  // The member, in another browser context, sees the note and the activity entry.
  await member.reload();
  const memberNotes = member.getByRole('region', { name: 'Study notes' });
  const ownerNoteForMember = memberNotes.getByRole('listitem', { name: `Note by ${E2E_USER.name}` });
  await expect(ownerNoteForMember).toContainText('compare Q3 + IQR');
  await expect(member.getByRole('list', { name: 'Activity feed' })).toContainText(`${E2E_USER.name} added a note`);

  // The member answers; the owner sees the answer after a reload.
  await addStudyNote(member, 'Agreed, I will add a *permuted pixels* run.');
  await owner.reload();
  await expect(ownerNotes.getByRole('listitem', { name: `Note by ${E2E_MEMBER.name}` })).toContainText('Agreed');
  await expect(ownerNotes.locator('em', { hasText: 'permuted pixels' })).toBeVisible();

  // Both open the owner's note for editing; the member saves first, so the owner's save is a conflict.
  const ownerNoteForOwner = ownerNotes.getByRole('listitem', { name: `Note by ${E2E_USER.name}` });
  await ownerNoteForOwner.getByRole('button', { name: 'Edit' }).click();
  await ownerNoteForMember.getByRole('button', { name: 'Edit' }).click();
  await ownerNoteForMember.getByLabel('Edit note').fill('**Plan**: compare Q3 + IQR and Max.');
  await ownerNoteForMember.getByRole('button', { name: 'Save' }).click();
  await expect(memberNotes.getByText('compare Q3 + IQR and Max.')).toBeVisible();

  await ownerNoteForOwner.getByLabel('Edit note').fill('**Plan**: compare medians only.');
  await ownerNoteForOwner.getByRole('button', { name: 'Save' }).click();
  await expect(ownerNotes.getByRole('alert')).toContainText('Not saved');
  await expect(ownerNotes.getByRole('alert')).toContainText(`changed by ${E2E_MEMBER.name}`);
  await owner.screenshot({ path: `${ARTIFACTS_DIR}/note-conflict.png`, fullPage: true });

  await member.reload();
  await expect(memberNotes.getByText('compare Q3 + IQR and Max.')).toBeVisible();
  await expect(memberNotes.getByText('compare medians only.')).toHaveCount(0);

  await owner.context().close();
  await member.context().close();
});

test('experiment filter lives in the URL', async ({ browser, baseURL }) => {
  const owner = await openSession(browser, baseURL!, E2E_USER);
  const filter = owner.getByRole('search', { name: 'Filter experiments' });
  await filter.getByLabel('Name contains').fill('no such experiment');
  await filter.getByLabel('Status').selectOption('FAILED');
  await filter.getByRole('button', { name: 'Apply filter' }).click();
  await expect(owner).toHaveURL(/\?q=no\+such\+experiment&status=FAILED$/);
  await expect(owner.getByText('No experiment matches the filter.')).toBeVisible();

  // A colleague opening the link gets the same view.
  const member = await openSession(browser, baseURL!, E2E_MEMBER);
  await member.goto(owner.url());
  const memberFilter = member.getByRole('search', { name: 'Filter experiments' });
  await expect(memberFilter.getByLabel('Name contains')).toHaveValue('no such experiment');
  await expect(memberFilter.getByLabel('Status')).toHaveValue('FAILED');
  await expect(member.getByText('No experiment matches the filter.')).toBeVisible();

  await memberFilter.getByRole('button', { name: 'Clear' }).click();
  await expect(member).not.toHaveURL(/\?/);

  await owner.context().close();
  await member.context().close();
});
