'use client';

import { STATISTICS, statisticLabel } from '../../_components/format.ts';
import { TextField } from './fields.tsx';
import type { FormErrors, FormState } from './form-state.ts';

type PolicyFieldsProps = {
  state: FormState;
  errors: FormErrors;
  update: (patch: Partial<FormState>) => void;
};

const RANDOMNESS_LABELS = {
  init: 'Weight initialization',
  sample: 'Training sample',
  shuffle: 'Batch shuffle',
} as const;

/** Randomness of the instances, the robustness statistic and the selection policy. */
export function PolicyFields({ state, errors, update }: PolicyFieldsProps) {
  return (
    <section className="form-section" aria-labelledby="policy-title">
      <h2 id="policy-title">Instances and selection</h2>
      <fieldset className="checkbox-group">
        <legend>Randomness that differs between instances</legend>
        <div className="checkbox-row">
          {(Object.keys(RANDOMNESS_LABELS) as (keyof typeof RANDOMNESS_LABELS)[]).map((source) => (
            <label key={source} className="checkbox">
              <input
                type="checkbox"
                checked={state.randomness[source]}
                onChange={(event) => update({ randomness: { ...state.randomness, [source]: event.target.checked } })}
              />
              {RANDOMNESS_LABELS[source]}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field-grid">
        <div className="field">
          <label htmlFor="statistic">Statistic</label>
          <select id="statistic" name="statistic" value={state.statistic} onChange={(event) => update({ statistic: event.target.value })}>
            {STATISTICS.map((statistic) => (
              <option key={statistic} value={statistic.toLowerCase()}>
                {statisticLabel(statistic)}
              </option>
            ))}
          </select>
          <span className="hint">Robustness value of a model&apos;s test losses; lower is better</span>
        </div>
        <TextField label="Warm-up steps (k)" name="warmupSteps" inputMode="numeric" value={state.warmupSteps} error={errors.warmupSteps} hint="Steps before any elimination" onChange={(warmupSteps) => update({ warmupSteps })} />
        <TextField label="Instance cap (n_max)" name="maxInstances" inputMode="numeric" value={state.maxInstances} error={errors.maxInstances} hint="Most instances per model" onChange={(maxInstances) => update({ maxInstances })} />
        <TextField label="Seed" name="seed" inputMode="numeric" value={state.seed} error={errors.seed} hint="Base of every instance's seeds" onChange={(seed) => update({ seed })} />
      </div>
      <fieldset className="rule-group">
        <legend>Threshold rule</legend>
        <div className="rule-option">
          <label className="checkbox">
            <input type="radio" name="ruleKind" checked={state.ruleKind === 'quantile'} onChange={() => update({ ruleKind: 'quantile' })} />
            Quantile of the survivors&apos; values
          </label>
          <TextField label="Quantile q" name="quantile" inputMode="decimal" value={state.quantile} error={errors.quantile} disabled={state.ruleKind !== 'quantile'} onChange={(quantile) => update({ quantile })} />
        </div>
        <div className="rule-option">
          <label className="checkbox">
            <input type="radio" name="ruleKind" checked={state.ruleKind === 'keepBest'} onChange={() => update({ ruleKind: 'keepBest' })} />
            Keep the best N models
          </label>
          <TextField label="Keep best N" name="keepBest" inputMode="numeric" value={state.keepBest} error={errors.keepBest} disabled={state.ruleKind !== 'keepBest'} onChange={(keepBest) => update({ keepBest })} />
        </div>
        <div className="rule-option">
          <label className="checkbox">
            <input type="radio" name="ruleKind" checked={state.ruleKind === 'racing'} onChange={() => update({ ruleKind: 'racing' })} />
            Confidence racing: drop a model once its CI lies above the best model&apos;s CI
          </label>
          <TextField label="Confidence level" name="racingConfidence" inputMode="decimal" value={state.racingConfidence} error={errors.racingConfidence} hint="For example 0.95" disabled={state.ruleKind !== 'racing'} onChange={(racingConfidence) => update({ racingConfidence })} />
        </div>
      </fieldset>
    </section>
  );
}
