'use client';

import { TextField } from './fields.tsx';
import type { FormErrors, FormState } from './form-state.ts';

type SamplingFieldsProps = {
  state: FormState;
  errors: FormErrors;
  update: (patch: Partial<FormState>) => void;
};

/** Grid or seeded random sampling of the model space. */
export function SamplingFields({ state, errors, update }: SamplingFieldsProps) {
  const random = state.samplingKind === 'random';
  return (
    <fieldset className="rule-group">
      <legend>Sampling</legend>
      <div className="rule-option">
        <label className="checkbox">
          <input type="radio" name="samplingKind" checked={!random} onChange={() => update({ samplingKind: 'grid' })} />
          Every model of the grid
        </label>
      </div>
      <div className="rule-option">
        <label className="checkbox">
          <input type="radio" name="samplingKind" checked={random} onChange={() => update({ samplingKind: 'random' })} />
          Random sample of distinct models
        </label>
        {/* Shown only for random sampling, so that the experiment's Seed field stays the only seed field of the grid form. */}
        {random && (
          <>
            <TextField label="Models to sample" name="sampleCount" inputMode="numeric" value={state.sampleCount} error={errors.sampleCount} hint="Drawn from the models within the parameter budget. Empty: the smaller of 200 and the models within the budget" onChange={(sampleCount) => update({ sampleCount })} />
            <TextField label="Sampling seed" name="sampleSeed" inputMode="numeric" value={state.sampleSeed} error={errors.sampleSeed} hint="The same seed draws the same models" onChange={(sampleSeed) => update({ sampleSeed })} />
          </>
        )}
      </div>
    </fieldset>
  );
}
