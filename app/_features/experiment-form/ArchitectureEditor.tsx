'use client';

import type { ArchitectureRow, FormErrors } from './form-state.ts';

type ArchitectureEditorProps = {
  architectures: ArchitectureRow[];
  errors: FormErrors;
  onChange: (architectures: ArchitectureRow[]) => void;
};

/** Rows of architectures, each with its convolution layers and dense widths; rows can be added and removed. */
export function ArchitectureEditor({ architectures, errors, onChange }: ArchitectureEditorProps) {
  function update(key: number, patch: Partial<ArchitectureRow>) {
    onChange(architectures.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  }

  function add() {
    const key = Math.max(0, ...architectures.map((row) => row.key)) + 1;
    onChange([...architectures, { key, conv: '', dense: '' }]);
  }

  return (
    <fieldset className="architectures">
      <legend>Architectures</legend>
      <p className="hint">
        Convolution layers as filters:kernel or filters:kernel:pool (pool 2 when left out), at most 2. Dense widths of the
        hidden layers, at most 4. Both comma-separated.
      </p>
      {architectures.map((row, index) => {
        const error = errors[`architecture-${row.key}`];
        const errorId = `architecture-${row.key}-error`;
        return (
          <fieldset key={row.key} className="architecture-row">
            <legend>Architecture {index + 1}</legend>
            <label className="field">
              <span>Conv layers</span>
              <input
                value={row.conv}
                placeholder="none"
                onChange={(event) => update(row.key, { conv: event.target.value })}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
              />
            </label>
            <label className="field">
              <span>Dense widths</span>
              <input
                value={row.dense}
                placeholder="none"
                onChange={(event) => update(row.key, { dense: event.target.value })}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
              />
            </label>
            <button
              type="button"
              className="button button-quiet"
              aria-label={`Remove architecture ${index + 1}`}
              disabled={architectures.length === 1}
              onClick={() => onChange(architectures.filter((other) => other.key !== row.key))}
            >
              Remove
            </button>
            {error && (
              <span id={errorId} className="error-text architecture-error">
                {error}
              </span>
            )}
          </fieldset>
        );
      })}
      {errors.architectures && <span className="error-text">{errors.architectures}</span>}
      <button type="button" className="button" onClick={add} disabled={architectures.length >= 64}>
        Add architecture
      </button>
    </fieldset>
  );
}
