'use client';

import { useState, type FormEvent } from 'react';
import { graphqlRequest } from '../../_components/graphql-client.ts';

const MUTATIONS = {
  experiment: /* GraphQL */ `mutation SetExperimentTags($id: ID!, $tags: [String!]!) { setExperimentTags(id: $id, tags: $tags) { id tags } }`,
  model: /* GraphQL */ `mutation SetModelTags($id: ID!, $tags: [String!]!) { setModelTags(id: $id, tags: $tags) { id tags } }`,
};

/** Splits a comma- or space-separated tag list as typed by the user. */
export function parseTagInput(text: string): string[] {
  return text.split(/[\s,]+/).filter((tag) => tag !== '');
}

/** Tags of an experiment or a model; owners and editors can replace them. */
export function TagEditor({ kind, id, tags, canEdit, onChanged }: { kind: 'experiment' | 'model'; id: string; tags: string[]; canEdit: boolean; onChanged: () => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    try {
      await graphqlRequest(MUTATIONS[kind], { id, tags: parseTagInput(draft ?? '') });
      setDraft(null);
      setError(null);
      onChanged();
    } catch (caught) {
      setError(`Saving tags failed: ${(caught as Error).message}`);
    }
  }

  return (
    <div className="tag-editor">
      <span className="muted small">Tags:</span>
      {draft === null ? (
        <>
          {tags.length === 0 ? (
            <span className="muted small">none</span>
          ) : (
            <ul className="tag-list" aria-label={`Tags of this ${kind}`}>
              {tags.map((tag) => (
                <li key={tag} className="tag">
                  {tag}
                </li>
              ))}
            </ul>
          )}
          {canEdit && (
            <button type="button" className="button button-quiet button-small" onClick={() => setDraft(tags.join(', '))}>
              Edit tags
            </button>
          )}
        </>
      ) : (
        <form onSubmit={save} className="tag-editor">
          <label className="field field-inline">
            <span className="visually-hidden">Tags, separated by commas</span>
            <input value={draft} aria-label="Tags, separated by commas" onChange={(event) => setDraft(event.target.value)} />
          </label>
          <button type="submit" className="button button-primary button-small">
            Save tags
          </button>
          <button type="button" className="button button-small" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}
