'use client';

import { useMemo, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { TextField } from './fields.tsx';
import { datasetSwitchPatch, defaultArchitectures, defaultTrainSize } from './dataset-defaults.ts';
import { buildConfig, initialFormState, type FormState } from './form-state.ts';
import { ModelSpacePreview } from './ModelSpacePreview.tsx';
import { PolicyFields } from './PolicyFields.tsx';
import { SpaceFields, type DatasetOption } from './SpaceFields.tsx';

const CREATE_EXPERIMENT_MUTATION = /* GraphQL */ `
  mutation CreateExperiment($studyId: ID!, $config: JSON!) {
    createExperiment(studyId: $studyId, config: $config) { id }
  }
`;

/** Form that creates an experiment in a study and opens its page. */
export function ExperimentForm({ studyId, datasets }: { studyId: string; datasets: DatasetOption[] }) {
  const router = useRouter();
  const [state, setState] = useState<FormState>(() => {
    // MNIST first: the default architectures are image models sized for it.
    const initial = datasets.find((dataset) => dataset.key === 'mnist') ?? datasets[0];
    return {
      ...initialFormState(),
      dataset: initial?.key ?? 'mnist',
      architectures: defaultArchitectures(initial),
      trainSize: defaultTrainSize(initial),
    };
  });
  const [serverError, setServerError] = useState<string | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const { config, errors } = useMemo(() => buildConfig(state), [state]);
  const hasErrors = Object.keys(errors).length > 0;
  const blocked = hasErrors || previewError !== null;

  function findDataset(key: string) {
    // The datasets query sorts each key's versions newest first, so this finds the version the server uses.
    return datasets.find((dataset) => dataset.key === key);
  }

  function update(patch: Partial<FormState>) {
    setState((previous) => {
      const next = patch.dataset;
      if (next === undefined || next === previous.dataset) return { ...previous, ...patch };

      const defaults = datasetSwitchPatch(previous, findDataset(previous.dataset), findDataset(next));
      return { ...previous, ...defaults, ...patch };
    });
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (blocked) return;

    setPending(true);
    setServerError(null);
    try {
      const data = await graphqlRequest<{ createExperiment: { id: string } }>(CREATE_EXPERIMENT_MUTATION, { studyId, config });
      router.push(`/experiments/${data.createExperiment.id}`);
    } catch (caught) {
      setServerError((caught as Error).message);
      setPending(false);
    }
  }

  return (
    <div className="form-layout">
      <form className="experiment-form card" onSubmit={handleSubmit} aria-label="New experiment" noValidate>
        <TextField label="Name" name="name" value={state.name} required maxLength={200} onChange={(name) => update({ name })} />
        <SpaceFields state={state} errors={errors} datasets={datasets} update={update} />
        <PolicyFields state={state} errors={errors} update={update} />
        {serverError && (
          <div role="alert" className="form-error">
            <strong>The experiment was not created.</strong> {serverError}
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={pending || blocked}>
            {pending ? 'Creating…' : 'Create experiment'}
          </button>
          {hasErrors && <span className="muted small">Fix the highlighted fields first.</span>}
          {!hasErrors && previewError && <span className="muted small">Fix the error shown in the model space panel first.</span>}
        </div>
      </form>
      <ModelSpacePreview dataset={state.dataset} config={hasErrors ? null : config} onErrorChange={setPreviewError} />
    </div>
  );
}
