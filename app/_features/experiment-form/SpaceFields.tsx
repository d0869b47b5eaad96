'use client';

import { ArchitectureEditor } from './ArchitectureEditor.tsx';
import { SamplingFields } from './SamplingFields.tsx';
import { TrainingFields } from './TrainingFields.tsx';
import { CheckboxGroup, TextField } from './fields.tsx';
import { ACTIVATIONS, INITIALIZERS, OPTIMIZERS, type FormErrors, type FormState } from './form-state.ts';

export type DatasetOption = { key: string; name: string; version: number; trainCount: number; task: string; inputShape: number[] };

type SpaceFieldsProps = {
  state: FormState;
  errors: FormErrors;
  datasets: DatasetOption[];
  update: (patch: Partial<FormState>) => void;
};

/** Dataset, architectures and training hyperparameters: the model space of the experiment. */
export function SpaceFields({ state, errors, datasets, update }: SpaceFieldsProps) {
  const chosen = datasets.find((dataset) => dataset.key === state.dataset);
  const pool = chosen?.trainCount;

  return (
    <section className="form-section" aria-labelledby="space-title">
      <h2 id="space-title">Model space</h2>
      <div className="field">
        <label htmlFor="dataset">Dataset</label>
        <select id="dataset" name="dataset" value={state.dataset} onChange={(event) => update({ dataset: event.target.value })}>
          {datasets.map((dataset) => (
            <option key={`${dataset.key}-${dataset.version}`} value={dataset.key}>
              {dataset.name} (v{dataset.version}, {dataset.task})
            </option>
          ))}
        </select>
      </div>
      <ArchitectureEditor architectures={state.architectures} errors={errors} onChange={(architectures) => update({ architectures })} />
      <div className="field-grid">
        <CheckboxGroup legend="Activations" options={ACTIVATIONS} selected={state.activations} error={errors.activations} onChange={(activations) => update({ activations })} />
        <CheckboxGroup legend="Initializers" options={INITIALIZERS} selected={state.initializers} error={errors.initializers} onChange={(initializers) => update({ initializers })} />
        <CheckboxGroup legend="Optimizers" options={OPTIMIZERS} selected={state.optimizers} error={errors.optimizers} onChange={(optimizers) => update({ optimizers })} />
      </div>
      <div className="field-grid">
        <TextField label="Learning rates" name="learningRates" value={state.learningRates} error={errors.learningRates} hint="Comma-separated, e.g. 0.001, 0.01" onChange={(learningRates) => update({ learningRates })} />
        <TextField label="Batch sizes" name="batchSizes" value={state.batchSizes} error={errors.batchSizes} hint="Comma-separated whole numbers" onChange={(batchSizes) => update({ batchSizes })} />
        <TextField label="Epochs" name="epochs" value={state.epochs} error={errors.epochs} hint="Comma-separated whole numbers" onChange={(epochs) => update({ epochs })} />
        <TextField label="L2" name="l2s" value={state.l2s} error={errors.l2s} hint="Comma-separated weight penalties, e.g. 0, 0.0001" onChange={(l2s) => update({ l2s })} />
        <TextField label="Parameter budget" name="parameterBudget" inputMode="numeric" value={state.parameterBudget} error={errors.parameterBudget} hint="Larger models are left out" onChange={(parameterBudget) => update({ parameterBudget })} />
      </div>
      <TrainingFields state={state} errors={errors} task={chosen?.task} update={update} />
      <SamplingFields state={state} errors={errors} update={update} />
      <div className="field-grid">
        <TextField
          label="Train size"
          name="trainSize"
          inputMode="numeric"
          value={state.trainSize}
          error={errors.trainSize}
          hint={pool ? `Samples per instance, from a pool of ${pool.toLocaleString('en-US')}` : 'Samples per instance'}
          onChange={(trainSize) => update({ trainSize })}
        />
        <TextField label="Validation fraction" name="validationFraction" inputMode="decimal" value={state.validationFraction} error={errors.validationFraction} hint="Share of the sample held out, 0 to 0.5" onChange={(validationFraction) => update({ validationFraction })} />
      </div>
    </section>
  );
}
