/**
 * The params of each template that the start form shows as fields. Every
 * other param is edited in the JSON text, which the fields keep in step.
 */

export type ParamField = {
  key: string;
  label: string;
  type: 'int' | 'number' | 'intList' | 'text' | 'select';
  options?: readonly string[];
  hint?: string;
};

const STATISTIC_OPTIONS = ['mean', 'median', 'q3', 'q3_iqr', 'max', 'min', 'std', 'iqr'] as const;

const DATASET: ParamField = { key: 'dataset', label: 'Dataset', type: 'text', hint: 'Key, for example calorimeter-energy-a' };
const TRAIN_SIZE: ParamField = { key: 'trainSize', label: 'Train size', type: 'int', hint: 'Samples per instance, validation part included' };
const INSTANCES: ParamField = { key: 'instances', label: 'Instances', type: 'int', hint: 'Trainings per model and setting (n)' };

export const PARAM_FIELDS: Readonly<Record<string, ParamField[]>> = {
  SAMPLE_SIZE: [
    DATASET,
    { key: 'sizes', label: 'Sizes', type: 'intList', hint: 'Comma-separated, ascending' },
    INSTANCES,
    { key: 'statistic', label: 'Robustness statistic', type: 'select', options: STATISTIC_OPTIONS },
    { key: 'tolerance', label: 'Tolerance', type: 'number', hint: 'Relative improvement per size step, 0.05 = 5%' },
  ],
  RANDOMNESS_SOURCES: [DATASET, TRAIN_SIZE, INSTANCES],
  INITIALIZERS: [DATASET, TRAIN_SIZE, INSTANCES, { key: 'statistic', label: 'Robustness statistic', type: 'select', options: STATISTIC_OPTIONS }],
  INDUCTIVE_BIAS: [TRAIN_SIZE, INSTANCES, { key: 'maxParameterRatio', label: 'Max parameter ratio', type: 'number', hint: 'Larger / smaller parameter count' }],
  MODEL_SEARCH: [
    DATASET,
    TRAIN_SIZE,
    { key: 'maxInstances', label: 'Instance cap (n_max)', type: 'int' },
    { key: 'warmupSteps', label: 'Warm-up steps (k)', type: 'int' },
    { key: 'quantile', label: 'Quantile q', type: 'number', hint: 'Models above this quantile of the survivors leave' },
  ],
};

/** Formats a param value for its field. */
export function formatField(field: ParamField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.type === 'intList' && Array.isArray(value)) return value.join(', ');
  return String(value);
}

/**
 * Parses a field's text into a param value. Returns undefined when the text
 * is not a value of the field's type, so that the JSON keeps the last valid
 * value and the API reports out-of-range values.
 */
export function parseField(field: ParamField, text: string): unknown {
  const trimmed = text.trim();
  switch (field.type) {
    case 'text':
    case 'select':
      return trimmed === '' ? undefined : trimmed;
    case 'int':
    case 'number': {
      if (trimmed === '') return undefined;
      const value = Number(trimmed);
      return Number.isFinite(value) ? value : undefined;
    }
    case 'intList': {
      const parts = trimmed.split(',').map((part) => part.trim()).filter((part) => part !== '');
      const values = parts.map(Number);
      return parts.length > 0 && values.every(Number.isFinite) ? values : undefined;
    }
    default: {
      const unknown: never = field.type;
      throw new Error(`Unknown field type ${String(unknown)}`);
    }
  }
}
