/** The query behind the study page: the study, its experiments matching the URL filter, notes and activity. */
import { NOTE_FIELDS, NOTE_PAGE_SIZE } from '../collaboration/notes-query.ts';

/** Tags offered by the filter form: the maximum page size, so every tag of a typical study is offered. */
export const FILTER_TAG_LIMIT = 1000;

export const STUDY_QUERY = /* GraphQL */ `
  query StudyExperiments($id: ID!, $filter: ExperimentFilter, $filtered: Boolean! = false) {
    study(id: $id) {
      id
      name
      description
      role
      experimentTags(first: ${FILTER_TAG_LIMIT}) { edges { node } }
      experiments(first: 0) @include(if: $filtered) { totalCount }
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
      notes(first: ${NOTE_PAGE_SIZE}) { totalCount edges { node { ...NoteFields } } }
      activity(first: 30) {
        totalCount
        edges { node { id kind summary createdAt experimentId actor { name } } }
      }
    }
  }
  ${NOTE_FIELDS}
`;
