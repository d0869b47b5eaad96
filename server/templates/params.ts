import { GraphQLError } from 'graphql';
import { DEFAULT_PARAMETER_BUDGET, newExperimentConfigSchema } from '../../lib/config.ts';
import { countParameters } from '../../lib/space.ts';
import { TEMPLATE_KINDS, TEMPLATE_PARAM_SCHEMAS, planTemplate, type PlannedExperiment, type TemplateKind, type TemplateParams } from '../../lib/templates.ts';
import type { DbOrTx } from '../db.ts';
import { expandForDataset, findLatestDataset } from '../experiments/create.ts';
import { formatPath, zodToUserInputError } from '../experiments/validation.ts';
import { badUserInput } from '../graphql/errors.ts';

/** Parses the params of a template; a bad value raises BAD_USER_INPUT for argument `params`, naming its path and what is allowed. */
export function parseTemplateParams(kind: string, params: unknown): TemplateParams {
  if (!(TEMPLATE_KINDS as readonly string[]).includes(kind)) {
    throw badUserInput(`Invalid template ${JSON.stringify(kind)}: expected one of ${TEMPLATE_KINDS.join(', ')}.`, 'template');
  }
  const schema = TEMPLATE_PARAM_SCHEMAS[kind as TemplateKind];
  const result = schema.safeParse(params ?? {});
  if (!result.success) throw zodToUserInputError(result.error, params ?? {}, 'params');
  return { kind, params: result.data } as TemplateParams;
}

/** A planned experiment with its dataset and model count, checked against the dataset. */
export interface CheckedExperiment extends PlannedExperiment {
  modelCount: number;
}

/** Names the params that set the model of a template: `model`, `cnn` or `space`. */
function modelParamPath(template: TemplateParams): string {
  switch (template.kind) {
    case 'sample_size':
    case 'randomness_sources':
    case 'initializers':
      return 'model';
    case 'inductive_bias':
      return 'cnn';
    case 'model_search':
      return 'space';
    default: {
      const unreachable: never = template;
      throw new RangeError(`Invalid template kind ${JSON.stringify((unreachable as { kind: unknown }).kind)}.`);
    }
  }
}

/**
 * Parses a planned experiment configuration. A cross-field rule that the
 * params broke (early stopping without validation samples, several losses) raises
 * BAD_USER_INPUT for argument `params` at the param path that sets it.
 */
function parsePlannedConfig(template: TemplateParams, experiment: PlannedExperiment, index: number) {
  const result = newExperimentConfigSchema.safeParse(experiment.config);
  if (result.success) return result.data;

  const [issue] = result.error.issues;
  const [first, second] = issue.path;
  let path: string;
  if (first === 'space' && template.kind === 'model_search') path = formatPath(issue.path);
  else if (first === 'space' && second === 'earlyStopping') path = `${modelParamPath(template)}.earlyStopping`;
  else if (first === 'trainSize') path = trainSizePath(template, index);
  else if (first === 'validationFraction') path = 'validationFraction';
  else path = `${experiment.key} config at ${formatPath(issue.path)}`;
  throw badUserInput(`Invalid params at ${path}: ${issue.message}`, 'params');
}

/** Names the param that sets the training-sample size of a planned experiment. */
function trainSizePath(template: TemplateParams, index: number): string {
  return template.kind === 'sample_size' ? `sizes[${index}]` : 'trainSize';
}

/**
 * Plans the experiments of a template run and checks each against its
 * dataset before anything is stored. The dataset must exist, the training
 * sample must fit its pool, and the models must fit its input shape and the
 * parameter budget. The inductive-bias models must have similar parameter
 * counts. Every problem raises BAD_USER_INPUT for argument `params`.
 */
export async function checkTemplatePlan({ db, studyId, template }: { db: DbOrTx; studyId: string; template: TemplateParams }): Promise<CheckedExperiment[]> {
  let planned: PlannedExperiment[];
  try {
    planned = planTemplate(template);
  } catch (error) {
    if (error instanceof RangeError) throw badUserInput(error.message, 'params');
    throw error;
  }

  const checked: CheckedExperiment[] = [];
  const parameterCounts: number[] = [];
  for (const [index, experiment] of planned.entries()) {
    const config = parsePlannedConfig(template, experiment, index);
    const dataset = await findLatestDataset({ db, key: config.dataset, argumentName: 'params', studyId });
    if (config.trainSize > dataset.trainCount) {
      throw badUserInput(
        `Invalid params at ${trainSizePath(template, index)}: value ${config.trainSize} exceeds the training pool of dataset ${dataset.key}, ` +
          `which has ${dataset.trainCount} samples; use at most ${dataset.trainCount}.`,
        'params',
      );
    }

    let expanded;
    try {
      expanded = expandForDataset(config, dataset);
    } catch (error) {
      if (error instanceof GraphQLError) {
        throw badUserInput(`Invalid params for experiment ${experiment.key}: ${error.message.replace(/^Invalid config at /, 'at ')}`, 'params');
      }
      throw error;
    }
    if (expanded.models.length === 0) {
      const architecture = config.space.architectures[0];
      const parameters = countParameters(architecture, dataset.inputShape, dataset.classes);
      throw badUserInput(
        `Invalid params: no model of experiment ${experiment.key} is within the parameter budget of ${config.space.parameterBudget ?? DEFAULT_PARAMETER_BUDGET} ` +
          `(the first architecture has ${parameters} parameters on dataset ${dataset.key}); use smaller architectures.`,
        'params',
      );
    }
    if (template.kind === 'model_search' && expanded.models.length < 2) {
      throw badUserInput(`Invalid params at space: it has ${expanded.models.length} model within the parameter budget; a search needs at least 2.`, 'params');
    }
    if (template.kind === 'inductive_bias') parameterCounts.push(...expanded.models.map((model) => model.parameterCount));
    checked.push({ ...experiment, modelCount: expanded.models.length });
  }

  if (template.kind === 'inductive_bias') checkParameterRatio(template.params.maxParameterRatio, parameterCounts, checked);
  return checked;
}

function checkParameterRatio(maxRatio: number, counts: number[], checked: CheckedExperiment[]): void {
  if (checked.some((experiment) => experiment.modelCount !== 2)) {
    throw badUserInput('Invalid params: cnn and fc are the same model; give them different architectures.', 'params');
  }
  const ratio = Math.max(...counts) / Math.min(...counts);
  if (ratio > maxRatio) {
    throw badUserInput(
      `Invalid params: cnn and fc have ${counts[0]} and ${counts[1]} parameters, a ratio of ${ratio.toFixed(2)}, ` +
        `above maxParameterRatio ${maxRatio}; resize one architecture or raise maxParameterRatio.`,
      'params',
    );
  }
}
