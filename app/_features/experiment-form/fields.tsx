'use client';

import type { InputHTMLAttributes, ReactNode } from 'react';

type TextFieldProps = {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: ReactNode;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'name'>;

/** Renders a labelled text input with an optional hint and error, linked through aria-describedby. */
export function TextField({ label, name, value, onChange, error, hint, ...inputProps }: TextFieldProps) {
  const hintId = hint ? `${name}-hint` : undefined;
  const errorId = error ? `${name}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;

  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <input
        id={name}
        name={name}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...inputProps}
      />
      {hint && (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={errorId} className="error-text">
          {error}
        </span>
      )}
    </div>
  );
}

type CheckboxGroupProps = {
  legend: string;
  options: readonly string[];
  selected: string[];
  onChange: (selected: string[]) => void;
  error?: string;
};

/** Renders a fieldset of checkboxes for choosing several values of one hyperparameter. */
export function CheckboxGroup({ legend, options, selected, onChange, error }: CheckboxGroupProps) {
  function toggle(option: string, checked: boolean) {
    const next = checked ? [...selected, option] : selected.filter((value) => value !== option);
    onChange(options.filter((value) => next.includes(value)));
  }

  return (
    <fieldset className="checkbox-group">
      <legend>{legend}</legend>
      <div className="checkbox-row">
        {options.map((option) => (
          <label key={option} className="checkbox">
            <input type="checkbox" checked={selected.includes(option)} onChange={(event) => toggle(option, event.target.checked)} />
            {option}
          </label>
        ))}
      </div>
      {error && <span className="error-text">{error}</span>}
    </fieldset>
  );
}
