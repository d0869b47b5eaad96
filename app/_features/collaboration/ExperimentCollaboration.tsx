'use client';

import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { NotesPanel } from './NotesPanel.tsx';
import { EXPERIMENT_NOTES_QUERY, type NotePage } from './notes-query.ts';
import { TagEditor } from './TagEditor.tsx';

type ExperimentNotesData = {
  experiment: { id: string; study: { id: string; role: string }; tags: string[]; notes: NotePage } | null;
};

/** Tags and notes of an experiment, loaded apart from the experiment page's main query so that posting does not reload the models. */
export function ExperimentCollaboration({ experimentId }: { experimentId: string }) {
  const { data, error, refetch } = useGraphQLQuery<ExperimentNotesData>(EXPERIMENT_NOTES_QUERY, { id: experimentId });
  const experiment = data?.experiment;
  if (error) return <p className="error-text">Could not load the notes: {error.message}</p>;
  if (!experiment) return null;

  const canEdit = experiment.study.role === 'OWNER' || experiment.study.role === 'EDITOR';
  const reload = () => void refetch();
  return (
    <>
      <TagEditor kind="experiment" id={experiment.id} tags={experiment.tags} canEdit={canEdit} onChanged={reload} />
      <NotesPanel
        title="Experiment notes"
        target={{ kind: 'experiment', studyId: experiment.study.id, experimentId: experiment.id }}
        notes={experiment.notes}
        canEditAll={canEdit}
        onChanged={reload}
      />
    </>
  );
}
