'use client';

import { useState } from 'react';
import { enumLabel } from '../../_components/format.ts';
import { MAX_COMPARED } from './compare-params.ts';
import type { StudyExperimentOption } from './compare-query.ts';

type ExperimentPickerProps = {
  experiments: StudyExperimentOption[];
  chosen: string[];
  onAdd: (id: string) => void;
};

/** Renders a select of the study's experiments that are not compared yet, with an Add button. */
export function ExperimentPicker({ experiments, chosen, onAdd }: ExperimentPickerProps) {
  const [pick, setPick] = useState('');
  const available = experiments.filter((experiment) => !chosen.includes(experiment.id));
  const full = chosen.length >= MAX_COMPARED;

  return (
    <div className="field">
      <label htmlFor="add-experiment">Add an experiment</label>
      <div className="field-inline">
        <select id="add-experiment" value={pick} onChange={(event) => setPick(event.target.value)} disabled={full || available.length === 0}>
          <option value="">{available.length === 0 ? 'No other experiment' : 'Choose…'}</option>
          {available.map((experiment) => (
            <option key={experiment.id} value={experiment.id}>
              {experiment.name} ({enumLabel(experiment.status)})
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button"
          disabled={pick === '' || full}
          onClick={() => {
            onAdd(pick);
            setPick('');
          }}
        >
          Add
        </button>
      </div>
      {full && <span className="hint">At most {MAX_COMPARED} at a time.</span>}
    </div>
  );
}
