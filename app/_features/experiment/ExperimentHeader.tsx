'use client';

import { useState } from 'react';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { StatusBadge } from '../../_components/StatusBadge.tsx';
import { formatCount, formatDateTime, formatDuration, statisticLabel } from '../../_components/format.ts';
import { isLive, type ExperimentData } from './experiment-query.ts';

const CANCEL_MUTATION = /* GraphQL */ `
  mutation CancelExperiment($id: ID!) { cancelExperiment(id: $id) { id status } }
`;

function ruleText(rule: { kind: string; q?: number; n?: number } | undefined): string {
  if (rule?.kind === 'quantile') return `quantile q = ${rule.q}`;
  if (rule?.kind === 'keepBest') return `keep best ${rule.n}`;
  return '—';
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
    ['Statistic', statisticLabel(experiment.statistic)],
    ['Threshold rule', ruleText(experiment.config.selection?.rule)],
    ['Warm-up k', String(experiment.warmupSteps)],
    ['n_max', String(experiment.maxInstances)],
    ['Train size', experiment.config.trainSize ? formatCount(experiment.config.trainSize) : '—'],
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
        {canEdit && isLive(status) && (
          <button type="button" className="button button-danger" onClick={cancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel experiment'}
          </button>
        )}
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
