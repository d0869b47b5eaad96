'use client';

import { useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { graphqlRequest } from '../../_components/graphql-client.ts';

const CREATE_STUDY_MUTATION = /* GraphQL */ `
  mutation CreateStudy($name: String!, $description: String) {
    createStudy(name: $name, description: $description) { id }
  }
`;

/** Form that creates a study, with the signed-in user as its owner, and opens the study page. */
export function NewStudyForm() {
  const router = useRouter();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [pending, setPending] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setCreateError(null);
    try {
      const data = await graphqlRequest<{ createStudy: { id: string } }>(CREATE_STUDY_MUTATION, {
        name: name.trim(),
        description: description.trim(),
      });
      router.push(`/studies/${data.createStudy.id}`);
    } catch (caught) {
      setCreateError(`Creating the study failed: ${(caught as Error).message}`);
      setPending(false);
    }
  }

  return (
    <section className="card" aria-labelledby="new-study-title">
      <h2 id="new-study-title">New study</h2>
      <form onSubmit={handleSubmit} className="field-grid" aria-label="New study">
        <label className="field">
          <span>Study name</span>
          <input required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} placeholder="Calorimeter energy regression" />
        </label>
        <label className="field">
          <span>Description</span>
          <input maxLength={10_000} value={description} onChange={(event) => setDescription(event.target.value)} placeholder="Optional" />
        </label>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={pending || name.trim() === ''}>
            {pending ? 'Creating…' : 'Create study'}
          </button>
        </div>
      </form>
      {createError && <p role="alert" className="error-text">{createError}</p>}
    </section>
  );
}
