/**
 * GraphQL enum values mapped to the values stored in the database and used
 * by lib/, so resolvers only ever see the internal lower-case values.
 */
export const enumResolvers = {
  Statistic: { MEAN: 'mean', MEDIAN: 'median', Q3: 'q3', Q3_IQR: 'q3_iqr', MAX: 'max', MIN: 'min', STD: 'std', IQR: 'iqr' },
  StudyRole: { OWNER: 'owner', EDITOR: 'editor', VIEWER: 'viewer' },
  ExperimentStatus: { QUEUED: 'queued', RUNNING: 'running', FINISHED: 'finished', CANCELLED: 'cancelled', FAILED: 'failed' },
  ModelStatus: { ACTIVE: 'active', ELIMINATED: 'eliminated', SELECTED: 'selected' },
  InstanceStatus: {
    QUEUED: 'queued',
    RUNNING: 'running',
    FINISHED: 'finished',
    DIVERGED: 'diverged',
    FAILED: 'failed',
    CANCELLED: 'cancelled',
  },
} as const;
