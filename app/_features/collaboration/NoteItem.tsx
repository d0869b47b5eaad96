'use client';

import { useState, type FormEvent } from 'react';
import { GraphQLRequestError, graphqlRequest } from '../../_components/graphql-client.ts';
import { formatDateTime } from '../../_components/format.ts';
import { UPDATE_NOTE_MUTATION, type NoteData } from './notes-query.ts';

/**
 * One note with its rendered Markdown, author and time, and an edit form.
 * The edit is saved against the version it started from. When someone saved
 * a newer version first, the conflict is shown with that version above the
 * kept draft, and saving again replaces the version now on display.
 */
export function NoteItem({ note, canEdit, onChanged }: { note: NoteData; canEdit: boolean; onChanged: () => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const [baseVersion, setBaseVersion] = useState(note.version);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [saving, setSaving] = useState(false);
  const author = note.author?.name ?? 'A former member';
  const edited = note.version > 1 ? ` · edited by ${note.updatedBy?.name ?? 'a former member'} ${formatDateTime(note.updatedAt)}` : '';

  function startEditing() {
    setDraft(note.body);
    setBaseVersion(note.version);
    setError(null);
    setConflict(false);
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (draft === null) return;
    setSaving(true);
    try {
      // After a conflict the user has seen the newer version, so the next save is based on it.
      await graphqlRequest(UPDATE_NOTE_MUTATION, { id: note.id, body: draft, baseVersion: conflict ? note.version : baseVersion });
      setDraft(null);
      setError(null);
      setConflict(false);
      onChanged();
    } catch (caught) {
      const isConflict = caught instanceof GraphQLRequestError && caught.code === 'CONFLICT';
      setError(isConflict ? `Not saved: ${caught.message}` : `Saving failed: ${(caught as Error).message}`);
      setConflict(isConflict);
      if (isConflict) onChanged();
    } finally {
      setSaving(false);
    }
  }

  return (
    <li className="note" aria-label={`Note by ${author}`}>
      <div className="note-meta muted small">
        <strong>{author}</strong> · {formatDateTime(note.createdAt)}
        {edited} · version {note.version}
      </div>
      {draft === null ? (
        // The HTML comes from the server's strict Markdown renderer, which escapes every raw tag.
        <div className="note-body" dangerouslySetInnerHTML={{ __html: note.html }} />
      ) : (
        <form onSubmit={save} className="form-stack">
          {conflict && (
            <div className="note-body" aria-label="Current version">
              <div className="muted small">Current version {note.version}:</div>
              <div dangerouslySetInnerHTML={{ __html: note.html }} />
            </div>
          )}
          <label className="field">
            <span>Edit note</span>
            <textarea value={draft} rows={4} onChange={(event) => setDraft(event.target.value)} />
          </label>
          <div className="note-actions">
            <button type="submit" className="button button-primary button-small" disabled={saving}>
              {saving ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="button button-small" onClick={() => setDraft(null)}>
              Discard
            </button>
          </div>
        </form>
      )}
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {canEdit && draft === null && (
        <button type="button" className="button button-quiet button-small" onClick={startEditing}>
          Edit
        </button>
      )}
    </li>
  );
}
