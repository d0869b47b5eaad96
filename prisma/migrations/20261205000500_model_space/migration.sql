-- Early stopping and task metrics of an instance.
ALTER TABLE instances
  ADD COLUMN stopped_epoch integer,
  ADD COLUMN test_metrics jsonb NOT NULL DEFAULT '[]';
