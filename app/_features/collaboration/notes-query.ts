/** GraphQL documents of notes and comments, shared by the study, experiment and model pages. */

export const NOTE_FIELDS = /* GraphQL */ `
  fragment NoteFields on Note {
    id
    body
    html
    version
    createdAt
    updatedAt
    author { id name }
    updatedBy { id name }
  }
`;

/** Notes or comments shown per thread; the panel shows a notice when a thread has more. */
export const NOTE_PAGE_SIZE = 100;

/** Tags and notes of the experiment page, loaded apart from its main query. */
export const EXPERIMENT_NOTES_QUERY = /* GraphQL */ `
  query ExperimentNotes($id: ID!) {
    experiment(id: $id) {
      id
      study { id role }
      tags
      notes(first: ${NOTE_PAGE_SIZE}) { totalCount edges { node { ...NoteFields } } }
    }
  }
  ${NOTE_FIELDS}
`;

export const ADD_NOTE_MUTATION = /* GraphQL */ `
  mutation AddNote($studyId: ID!, $experimentId: ID, $body: String!) {
    addNote(studyId: $studyId, experimentId: $experimentId, body: $body) { ...NoteFields }
  }
  ${NOTE_FIELDS}
`;

export const ADD_COMMENT_MUTATION = /* GraphQL */ `
  mutation AddComment($modelId: ID!, $body: String!) {
    addComment(modelId: $modelId, body: $body) { ...NoteFields }
  }
  ${NOTE_FIELDS}
`;

export const UPDATE_NOTE_MUTATION = /* GraphQL */ `
  mutation UpdateNote($id: ID!, $body: String!, $baseVersion: Int!) {
    updateNote(id: $id, body: $body, baseVersion: $baseVersion) { ...NoteFields }
  }
  ${NOTE_FIELDS}
`;

export type NoteData = {
  id: string;
  body: string;
  /** Server-rendered HTML; the renderer escapes raw HTML and keeps only http(s) links. */
  html: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  author: { id: string; name: string } | null;
  updatedBy: { id: string; name: string } | null;
};

/** The first page of a thread, as the pages' queries request it. */
export type NotePage = { totalCount: number; edges: { node: NoteData }[] };

/** Where a new note goes: a study, an experiment of it, or a model (a comment). */
export type NoteTarget = { kind: 'study'; studyId: string } | { kind: 'experiment'; studyId: string; experimentId: string } | { kind: 'model'; modelId: string };
