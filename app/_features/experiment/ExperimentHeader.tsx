'use client';

import Link from 'next/link';
import { useState } from 'react';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { StatusBadge } from '../../_components/StatusBadge.tsx';
import { formatCount, formatDateTime, formatDuration, statisticLabel } from '../../_components/format.ts';
import { compareExperimentsHref } from '../compare/compare-params.ts';
import { formatMetricValue } from '../datasets/baselines.ts';
import { isLive, type ExperimentData } from './experiment-query.ts';

const CANCEL_MUTATION = /* GraphQL */ `
  mutation CancelExperiment($id: ID!) { cancelExperiment(id: $id) { id status } }
`;

function ruleText(rule: { kind: string; q?: number; n?: number; confidence?: number } | undefined): string {
  if (rule?.kind === 'quantile') return `quantile q = ${rule.q}`;
  if (rule?.kind === 'keepBest') return `keep best ${rule.n}`;
  if (rule?.kind === 'racing') return `confidence racing, ${Number(((rule.confidence ?? 0.95) * 100).toPrecision(4))}% CI`;
  return '—';
}

/** Loss, early stopping and sampling of the model space, as stored in the experiment's configuration. */
function modelSpaceFigures(space: ExperimentData['config']['space']): [string, string][] {
  const losses = space?.losses?.map((loss) => (loss.kind === 'huber' ? `huber (delta ${loss.delta})` : loss.kind)).join(', ');
  const stopping = space?.earlyStopping;
  const sampling = space?.sampling;
  return [
    ['Loss', losses ?? 'task default'],
    ['Early stopping', stopping ? `patience ${stopping.patience}, min delta ${stopping.minDelta}${stopping.restoreBestWeights ? ', best weights' : ''}` : 'off'],
    ['Sampling', sampling?.kind === 'random' ? `random ${formatCount(sampling.count ?? 0)}, seed ${sampling.seed}` : 'grid'],
  ];
}

/** Title, status, policy figures and trainings spent; a cancel button while the experiment runs. */
export function ExperimentHeader({ experiment, status, onChanged }: { experiment: ExperimentData; status: string; onChanged: () => void }) {
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const canEdit = experiment.study.role === 'OWNER' || experiment.study.role === 'EDITOR';

  async function cancel() {
    setCancelling(true);
    setCancelError(null);
    try {
      await graphqlRequest(CANCEL_MUTATION, { id: experiment.id });
      onChanged();
    } catch (error) {
      setCancelError(`Cancelling failed: ${(error as Error).message}`);
    } finally {
      setCancelling(false);
    }
  }

  const saving = describeSaving(experiment.savingFactor, experiment.modelCount);
  const figures: [string, string][] = [
    ['Dataset', `${experiment.dataset.name} v${experiment.dataset.version}`],
    ...experiment.dataset.baselines.map(({ name, metric, value, unit }): [string, string] => [`Baseline ${metric}`, `${formatMetricValue(metric, value, unit)} (${name})`]),
    ['Statistic', statisticLabel(experiment.statistic)],
    ['Threshold rule', ruleText(experiment.config.selection?.rule)],
    ['Warm-up k', String(experiment.warmupSteps)],
    ['n_max', String(experiment.maxInstances)],
    ['Train size', experiment.config.trainSize ? formatCount(experiment.config.trainSize) : '—'],
    ...modelSpaceFigures(experiment.config.space),
    ['Models', formatCount(experiment.modelCount)],
    ['Trainings', `${formatCount(experiment.trainingsSpent)} of ${formatCount(experiment.exhaustiveTrainings)} exhaustive`],
    ['Saving', saving ?? '—'],
    ['Started', formatDateTime(experiment.startedAt)],
    ['Duration', formatDuration(experiment.durationMs)],
  ];

  return (
    <header className="experiment-header">
      <div className="page-title">
        <div>
          <h1>
            {experiment.name} <StatusBadge status={status} />
          </h1>
        </div>
        <div style={{ display: 'flex', gap: 8 }}>
          <Link className="button" href={compareExperimentsHref(experiment.study.id, [experiment.id])}>
            Compare
          </Link>
          {canEdit && isLive(status) && (
            <button type="button" className="button button-danger" onClick={cancel} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel experiment'}
            </button>
          )}
        </div>
      </div>
      {cancelError && <p role="alert" className="error-text">{cancelError}</p>}
      {experiment.error && (
        <p role="alert" className="form-error">
          <strong>The experiment failed.</strong> {experiment.error}
        </p>
      )}
      <dl className="figure-grid">
        {figures.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </header>
  );
}

/** Formats the saving against exhaustive search; null until the experiment finishes. */
function describeSaving(savingFactor: number | null | undefined, modelCount: number): string | null {
  if (savingFactor == null) return null;
  if (modelCount === 1) return 'none (single model)';
  return `${savingFactor.toFixed(1)}× fewer trainings`;
}
