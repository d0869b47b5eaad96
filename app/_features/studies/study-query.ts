/** The query behind the study page: the study, its experiments matching the URL filter, notes and activity. */
import { NOTE_FIELDS } from '../collaboration/notes-query.ts';

export const STUDY_QUERY = /* GraphQL */ `
  query StudyExperiments($id: ID!, $filter: ExperimentFilter) {
    study(id: $id) {
      id
      name
      description
      role
      experimentTags
      experiments(first: 1) { totalCount }
      searchExperiments(filter: $filter, first: 100) {
        totalCount
        edges {
          node {
            id
            name
            status
            statistic
            startedAt
            durationMs
            modelCount
            tags
            dataset { key name version }
            selectedModel {
              id
              label
              robustnessValues { statistic value }
            }
          }
        }
      }
      notes { ...NoteFields }
      activity(first: 30) {
        totalCount
        edges { node { id kind summary createdAt experimentId actor { name } } }
      }
    }
  }
  ${NOTE_FIELDS}
`;
