'use client';

import { useState, type FormEvent } from 'react';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { useSession } from '../../_components/session.tsx';
import { NoteItem } from './NoteItem.tsx';
import { ADD_COMMENT_MUTATION, ADD_NOTE_MUTATION, type NotePage, type NoteTarget } from './notes-query.ts';
import './collaboration.css';

type NotesPanelProps = {
  /** Heading, for example `Notes` or `Comments`. */
  title: string;
  target: NoteTarget;
  /** The first page of the thread. */
  notes: NotePage;
  /** Whether the user may edit other members' notes (owner or editor). */
  canEditAll: boolean;
  onChanged: () => void;
};

/** A thread of notes or comments, oldest first, with a Markdown form to add one. */
export function NotesPanel({ title, target, notes: page, canEditAll, onChanged }: NotesPanelProps) {
  const notes = page.edges.map((edge) => edge.node);
  const { user } = useSession();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [posting, setPosting] = useState(false);
  const headingId = `notes-${target.kind}-title`;
  const noun = target.kind === 'model' ? 'comment' : 'note';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPosting(true);
    try {
      if (target.kind === 'model') await graphqlRequest(ADD_COMMENT_MUTATION, { modelId: target.modelId, body });
      else await graphqlRequest(ADD_NOTE_MUTATION, { studyId: target.studyId, experimentId: target.kind === 'experiment' ? target.experimentId : null, body });
      setBody('');
      setError(null);
      onChanged();
    } catch (caught) {
      setError(`Adding the ${noun} failed: ${(caught as Error).message}`);
    } finally {
      setPosting(false);
    }
  }

  return (
    <section className="card notes-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {notes.length === 0 ? (
        <p className="muted">No {noun}s yet.</p>
      ) : (
        <ul className="note-list">
          {notes.map((note) => (
            <NoteItem key={note.id} note={note} canEdit={canEditAll || note.author?.id === user?.id} onChanged={onChanged} />
          ))}
        </ul>
      )}
      {page.totalCount > notes.length && (
        <p className="muted small" role="status">
          Showing the first {notes.length} of {page.totalCount} {noun}s.
        </p>
      )}
      <form onSubmit={submit} className="form-stack">
        <label className="field">
          <span>New {noun}</span>
          <textarea value={body} rows={3} required placeholder="Markdown: **bold**, *italic*, `code`, - lists, [links](https://…)" onChange={(event) => setBody(event.target.value)} />
        </label>
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <div>
          <button type="submit" className="button button-primary" disabled={posting || body.trim() === ''}>
            {posting ? 'Posting…' : `Add ${noun}`}
          </button>
        </div>
      </form>
    </section>
  );
}
