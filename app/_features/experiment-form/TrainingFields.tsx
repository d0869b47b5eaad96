'use client';

import { CheckboxGroup, TextField } from './fields.tsx';
import { LOSSES_BY_TASK, type FormErrors, type FormState } from './form-state.ts';

type TrainingFieldsProps = {
  state: FormState;
  errors: FormErrors;
  /** Task of the chosen dataset: 'classification' or 'regression'. */
  task: string | undefined;
  update: (patch: Partial<FormState>) => void;
};

/** Loss choices for the dataset's task, the Huber delta and early stopping. */
export function TrainingFields({ state, errors, task, update }: TrainingFieldsProps) {
  const losses = LOSSES_BY_TASK[task ?? ''] ?? [];
  const defaultLoss = task === 'regression' ? 'mse' : 'cross_entropy';

  return (
    <div className="field-grid">
      <div>
        <CheckboxGroup legend="Losses" options={losses} selected={state.losses} error={errors.losses} onChange={(chosen) => update({ losses: chosen })} />
        <span className="hint">
          None chosen: {defaultLoss}. {task === 'regression' ? 'Regression losses compare targets standardized with the training pool\u2019s mean and standard deviation.' : ''}
        </span>
      </div>
      {state.losses.includes('huber') && (
        <TextField label="Huber delta" name="huberDelta" inputMode="decimal" value={state.huberDelta} error={errors.huberDelta} hint="Error, in standard deviations of the target, where the loss turns linear" onChange={(huberDelta) => update({ huberDelta })} />
      )}
      <fieldset className="checkbox-group">
        <legend>Early stopping</legend>
        <label className="checkbox">
          <input type="checkbox" checked={state.earlyStopping} onChange={(event) => update({ earlyStopping: event.target.checked })} />
          Stop when the validation loss stops improving
        </label>
        {state.earlyStopping && (
          <label className="checkbox">
            <input type="checkbox" checked={state.restoreBestWeights} onChange={(event) => update({ restoreBestWeights: event.target.checked })} />
            Test with the weights of the best epoch
          </label>
        )}
      </fieldset>
      {state.earlyStopping && (
        <>
          <TextField label="Patience" name="patience" inputMode="numeric" value={state.patience} error={errors.patience} hint="Epochs without improvement before stopping; Epochs is then the maximum" onChange={(patience) => update({ patience })} />
          <TextField label="Min delta" name="minDelta" inputMode="decimal" value={state.minDelta} error={errors.minDelta} hint="Smallest validation-loss decrease that counts as improvement" onChange={(minDelta) => update({ minDelta })} />
        </>
      )}
    </div>
  );
}
