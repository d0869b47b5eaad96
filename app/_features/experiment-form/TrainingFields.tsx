'use client';

import { TextField } from './fields.tsx';
import { LOSSES_BY_TASK, type FormErrors, type FormState } from './form-state.ts';

type TrainingFieldsProps = {
  state: FormState;
  errors: FormErrors;
  /** Task of the chosen dataset: 'classification' or 'regression'. */
  task: string | undefined;
  update: (patch: Partial<FormState>) => void;
};

/** Renders the loss choice for the dataset's task (one per experiment), the Huber delta and early stopping. */
export function TrainingFields({ state, errors, task, update }: TrainingFieldsProps) {
  const losses = LOSSES_BY_TASK[task ?? ''] ?? [];
  const defaultLoss = task === 'regression' ? 'mse' : 'cross_entropy';

  return (
    <div className="field-grid">
      <fieldset className="checkbox-group">
        <legend>Loss</legend>
        <div className="checkbox-row">
          <label className="checkbox">
            <input type="radio" name="loss" checked={state.losses.length === 0} onChange={() => update({ losses: [] })} />
            Task default ({defaultLoss})
          </label>
          {losses.map((loss) => (
            <label key={loss} className="checkbox">
              <input type="radio" name="loss" checked={state.losses.length === 1 && state.losses[0] === loss} onChange={() => update({ losses: [loss] })} />
              {loss}
            </label>
          ))}
        </div>
        {errors.losses && <span className="error-text">{errors.losses}</span>}
        <span className="hint">
          Every model trains with this loss, because robustness values of different losses have different scales. Start one experiment per loss to compare losses.
          {task === 'regression' ? ' Regression losses compare targets standardized with the training pool\u2019s mean and standard deviation.' : ''}
        </span>
      </fieldset>
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
