/**
 * Notes on studies and experiments, and comments on models (a note with a
 * model id). Edits use optimistic concurrency: each edit names the version
 * it was based on, and an edit based on an older version is rejected.
 */
import { GraphQLError } from 'graphql';
import type { Note, StudyRole } from '../../generated/prisma/client.ts';
import type { Db, DbOrTx } from '../db.ts';
import { badUserInput, ErrorCode, forbidden, notFound } from '../graphql/errors.ts';
import { totalOfPage } from '../graphql/paging.ts';
import { recordActivity } from './activity.ts';

/** Longest note body accepted, in characters. */
export const MAX_NOTE_LENGTH = 20_000;

/** Checks a note body: not blank and at most MAX_NOTE_LENGTH characters. */
export function validateBody(body: string): string {
  if (body.trim() === '') throw badUserInput('Invalid body: a note cannot be empty.', 'body');
  if (body.length > MAX_NOTE_LENGTH) {
    throw badUserInput(`Invalid body: ${body.length} characters; a note has at most ${MAX_NOTE_LENGTH}.`, 'body');
  }
  return body;
}

/** What a note is attached to: the study itself, one of its experiments, or one of its models (a comment). */
export type NoteTarget = { studyId: string; experimentId?: string | null; modelId?: string | null };

/** Stores a new note or comment at version 1 and records it in the study's activity feed. */
export async function addNote({ db, target, authorId, body, summary }: { db: Db; target: NoteTarget; authorId: string; body: string; summary: string }) {
  validateBody(body);
  return db.$transaction(async (tx) => {
    const note = await tx.note.create({
      data: {
        studyId: target.studyId,
        experimentId: target.experimentId ?? null,
        modelId: target.modelId ?? null,
        authorId,
        updatedById: authorId,
        body,
      },
    });
    const kind = target.modelId ? 'comment_added' : 'note_added';
    await recordActivity({ db: tx, studyId: target.studyId, kind, actorId: authorId, experimentId: target.experimentId, noteId: note.id, summary });
    return note;
  });
}

/** Raises FORBIDDEN unless the user wrote the note or is an owner or editor of its study. */
export function requireNoteEditor(note: Note, userId: string, role: StudyRole): void {
  if (note.authorId === userId || role === 'owner' || role === 'editor') return;
  throw forbidden(`Your role in study ${note.studyId} is ${role}; editing note ${note.id} of another member needs owner or editor.`);
}

/**
 * Replaces a note's body if it is still at `baseVersion`, and increments the
 * version. Raises CONFLICT, with the current version and body in
 * `extensions`, when someone saved a newer version first; the stored note is
 * left unchanged then.
 */
export async function updateNote({ db, noteId, userId, body, baseVersion }: { db: DbOrTx; noteId: string; userId: string; body: string; baseVersion: number }) {
  validateBody(body);
  const updated = await db.note.updateMany({
    where: { id: noteId, version: baseVersion },
    data: { body, version: { increment: 1 }, updatedById: userId, updatedAt: new Date() },
  });
  const current = await db.note.findUnique({ where: { id: noteId }, include: { updatedBy: { select: { name: true } } } });
  if (!current) throw notFound(`Note ${noteId} not found.`);
  if (updated.count === 1) return current;

  const editor = current.updatedBy?.name ?? 'another member';
  throw new GraphQLError(
    `Note ${noteId} was changed by ${editor} at ${current.updatedAt.toISOString()} (version ${current.version}); ` +
      `your edit was based on version ${baseVersion}. Reload the note and apply your change to version ${current.version}.`,
    { extensions: { code: ErrorCode.CONFLICT, currentVersion: current.version, currentBody: current.body } },
  );
}

/** Returns the note with the user's role in its study, or null for non-members. */
export async function findNoteForMember({ db, noteId, userId }: { db: DbOrTx; noteId: string; userId: string }) {
  const note = await db.note.findFirst({
    where: { id: noteId, study: { memberships: { some: { userId } } } },
    include: { study: { select: { memberships: { where: { userId }, select: { role: true } } } } },
  });
  if (!note) return null;

  const { study, ...row } = note;
  return { note: row, role: study.memberships[0].role };
}

/** Lists a page of the notes of one target, oldest first, so a thread reads top to bottom. */
export async function listNotes({
  db,
  where,
  offset,
  limit,
}: {
  db: DbOrTx;
  where: { studyId?: string; experimentId?: string | null; modelId?: string | null };
  offset: number;
  limit: number;
}) {
  const items = await db.note.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip: offset, take: limit });
  const total = await totalOfPage({ offset, limit }, items.length, () => db.note.count({ where }));
  return { items, total };
}
