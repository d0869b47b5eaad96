import { formatCount } from '../../_components/format.ts';
import type { Progress } from './experiment-query.ts';
import { describeModelsLeft } from './status-wording.ts';

/** Progress bar of the experiment's planned instances, with counts by instance status. */
export function ProgressBar({ progress }: { progress: Progress }) {
  const percent = Math.round(Math.min(1, Math.max(0, progress.fraction)) * 100);
  const ended = progress.finishedInstances + progress.divergedInstances + progress.failedInstances;

  return (
    <div className="progress">
      <div className="progress-label">
        <span id="progress-label">Experiment progress</span>
        <span className="progress-figures">
          {percent}% · {formatCount(ended)} of {formatCount(progress.plannedInstances)} planned instances · step{' '}
          {progress.currentStep}
        </span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-labelledby="progress-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%`}
      >
        <div className={`progress-fill progress-${progress.status.toLowerCase()}`} style={{ width: `${percent}%` }} />
      </div>
      <ul className="progress-counts">
        <li>{formatCount(progress.finishedInstances)} finished</li>
        <li>{formatCount(progress.runningInstances)} running</li>
        <li>{formatCount(progress.queuedInstances)} queued</li>
        {progress.divergedInstances > 0 && <li className="warn">{formatCount(progress.divergedInstances)} diverged</li>}
        {progress.failedInstances > 0 && <li className="danger">{formatCount(progress.failedInstances)} failed</li>}
        <li>{describeModelsLeft(progress.status, progress.activeModels)}</li>
      </ul>
    </div>
  );
}
