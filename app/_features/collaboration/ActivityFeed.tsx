import Link from 'next/link';
import { formatDateTime } from '../../_components/format.ts';

/** Fields of one activity event as the study query returns them. */
export type ActivityData = {
  id: string;
  kind: string;
  summary: string;
  createdAt: string;
  experimentId: string | null;
  actor: { name: string } | null;
};

const VERBS: Record<string, string> = {
  EXPERIMENT_STARTED: 'started experiment',
  EXPERIMENT_FINISHED: 'Experiment finished:',
  EXPERIMENT_FAILED: 'Experiment failed:',
  EXPERIMENT_CANCELLED: 'cancelled experiment',
  DATASET_ADDED: 'added dataset',
  NOTE_ADDED: 'added a note',
  COMMENT_ADDED: 'commented on',
};

function describeEvent(event: ActivityData): { who: string | null; verb: string } {
  const verb = VERBS[event.kind] ?? event.kind.toLowerCase();
  // Finished and failed come from the workers and have no actor.
  if (!event.actor) return { who: null, verb: verb.charAt(0).toUpperCase() + verb.slice(1) };
  return { who: event.actor.name, verb };
}

/** The study's activity, newest first. */
export function ActivityFeed({ events, totalCount }: { events: ActivityData[]; totalCount: number }) {
  return (
    <section className="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      {events.length === 0 ? (
        <p className="muted">Nothing has happened in this study yet.</p>
      ) : (
        <ul className="activity-list" aria-label="Activity feed">
          {events.map((event) => {
            const { who, verb } = describeEvent(event);
            const subject = event.experimentId ? <Link href={`/experiments/${event.experimentId}`}>{event.summary}</Link> : event.summary;
            return (
              <li key={event.id}>
                {who && <strong>{who} </strong>}
                {verb} {subject}
                <div className="muted small">{formatDateTime(event.createdAt)}</div>
              </li>
            );
          })}
        </ul>
      )}
      {totalCount > events.length && <p className="muted small">Showing the latest {events.length} of {totalCount} events.</p>}
    </section>
  );
}
