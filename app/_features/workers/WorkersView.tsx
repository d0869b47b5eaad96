'use client';

import Link from 'next/link';
import { useEffect } from 'react';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { StatusBadge } from '../../_components/StatusBadge.tsx';
import { formatCount, formatDateTime, formatDuration } from '../../_components/format.ts';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { WORKERS_QUERY, isLiveWorker, type WorkerInstance, type WorkerItem, type WorkersData } from './workers-query.ts';
import './workers.css';

/** Milliseconds between refreshes of the page while it is visible. */
const REFRESH_MS = 5000;

/** Workers that ended this many hours ago or less are listed under "Ended". */
const ENDED_WITHIN_HOURS = 24;

/** Returns the time since an ISO timestamp by the browser clock, never negative. */
function elapsedSince(iso: string): string {
  return formatDuration(Math.max(0, Date.now() - Date.parse(iso)));
}

function ageOf(iso: string): string {
  return `${elapsedSince(iso)} ago`;
}

/** Lists the training worker processes, refreshing every few seconds. */
export function WorkersView() {
  const { data, error, loading, refetch } = useGraphQLQuery<WorkersData>(WORKERS_QUERY, { endedWithinHours: ENDED_WITHIN_HOURS });

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refetch();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refetch]);

  if (!data) {
    if (error) return <ErrorMessage error={error} what="the workers" />;
    return loading ? <Loading what="workers" /> : null;
  }

  const live = data.workers.filter(isLiveWorker);
  const ended = data.workers.filter((worker) => !isLiveWorker(worker));
  const busyCount = live.filter((worker) => worker.state === 'BUSY').length;

  return (
    <>
      <div className="page-title">
        <h1>Workers</h1>
      </div>
      <p className="muted" role="status">
        {live.length === 1 ? '1 live worker' : `${live.length} live workers`}: {busyCount} busy, {live.length - busyCount} idle.
        Refreshes every {REFRESH_MS / 1000} s.
      </p>
      {error && <p role="alert" className="error-text">Refresh failed: {error.message}</p>}

      <section className="card table-wrap" aria-labelledby="live-workers">
        <h2 id="live-workers" className="visually-hidden">Live workers</h2>
        {live.length === 0 ? (
          <p className="empty">
            No worker is running. <code>npm start</code> and <code>npm run worker</code> start <code>WORKER_CONCURRENCY</code> worker
            processes (default: one per core).
          </p>
        ) : (
          <LiveWorkersTable workers={live} />
        )}
      </section>

      <h2>Ended in the last {ENDED_WITHIN_HOURS} hours</h2>
      <section className="card table-wrap" aria-label="Ended workers">
        {ended.length === 0 ? <p className="empty">No worker ended in the last {ENDED_WITHIN_HOURS} hours.</p> : <EndedWorkersTable workers={ended} />}
      </section>
    </>
  );
}

function LiveWorkersTable({ workers }: { workers: WorkerItem[] }) {
  return (
    <table className="data-table workers-table">
      <thead>
        <tr>
          <th scope="col">Worker</th>
          <th scope="col">State</th>
          <th scope="col">Current instance</th>
          <th scope="col">Backend</th>
          <th scope="col" className="numeric">Trainings</th>
          <th scope="col">Started</th>
          <th scope="col">Last heartbeat</th>
        </tr>
      </thead>
      <tbody>
        {workers.map((worker) => (
          <tr key={worker.id}>
            <WorkerNameCell worker={worker} />
            <td><StatusBadge status={worker.state} /></td>
            <td>{worker.currentInstance ? <InstanceCell instance={worker.currentInstance} /> : <span className="muted">—</span>}</td>
            <BackendCell worker={worker} />
            <td className="numeric">{formatCount(worker.trainingCount)}</td>
            <td>{formatDateTime(worker.startedAt)}</td>
            <td>{ageOf(worker.lastHeartbeatAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EndedWorkersTable({ workers }: { workers: WorkerItem[] }) {
  return (
    <table className="data-table workers-table">
      <thead>
        <tr>
          <th scope="col">Worker</th>
          <th scope="col">State</th>
          <th scope="col">Backend</th>
          <th scope="col" className="numeric">Trainings</th>
          <th scope="col">Started</th>
          <th scope="col">Ended</th>
        </tr>
      </thead>
      <tbody>
        {workers.map((worker) => (
          <tr key={worker.id}>
            <WorkerNameCell worker={worker} />
            <td>
              <StatusBadge status={worker.state} />
              {worker.state === 'LOST' && <span className="ci">heartbeat expired: crashed or killed</span>}
            </td>
            <BackendCell worker={worker} />
            <td className="numeric">{formatCount(worker.trainingCount)}</td>
            <td>{formatDateTime(worker.startedAt)}</td>
            <td>{worker.endedAt ? ageOf(worker.endedAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WorkerNameCell({ worker }: { worker: WorkerItem }) {
  return (
    <th scope="row">
      {worker.name}
      <span className="ci">
        {worker.host}, pid {worker.pid}
        {worker.slot !== null && `, slot ${worker.slot}`}
      </span>
    </th>
  );
}

function BackendCell({ worker }: { worker: WorkerItem }) {
  return (
    <td>
      {worker.backend}
      <span className="ci">TensorFlow.js {worker.tfjsVersion}</span>
    </td>
  );
}

function InstanceCell({ instance }: { instance: WorkerInstance }) {
  const progress = instance.epoch === null || instance.epochs === null ? 'first epoch running' : `epoch ${instance.epoch} of ${instance.epochs} done`;
  const running = instance.startedAt ? `, for ${elapsedSince(instance.startedAt)}` : '';

  if (!instance.visible) {
    return (
      <div className="worker-instance">
        <span>Busy with a study you are not a member of</span>
        <span className="ci">{progress}{running}</span>
      </div>
    );
  }
  return (
    <div className="worker-instance">
      <span>
        <Link href={`/experiments/${instance.experimentId}`}>{instance.experimentName}</Link>
        {' · '}
        <Link href={`/models/${instance.modelId}`}>{instance.modelLabel}</Link> #{instance.instanceIndex}
      </span>
      <span className="ci">
        <Link href={`/studies/${instance.studyId}`}>{instance.studyName}</Link> · {progress}{running}
      </span>
    </div>
  );
}
