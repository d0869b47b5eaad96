/**
 * SQL of bench/seed-scale.ts. The first statement stores the parameters in a
 * temporary table, the others generate rows from it with generate_series.
 * Every tenth experiment is cancelled (no selected model); the others are
 * finished with model 1 selected. Test losses are random around a level
 * that depends on the model, with setseed() so that reruns match.
 */

/** Parameters: study, dataset, user, experiments, models, models of experiment 1, instances, instances of its model 1, config. */
export const PARAMS_SQL = `
CREATE TEMP TABLE seed_params AS
SELECT $1::uuid AS study_id, $2::uuid AS dataset_id, $3::uuid AS user_id, $4::int AS experiments, $5::int AS models,
       $6::int AS large_models, $7::int AS instances, $8::int AS large_instances, $9::jsonb AS config`;

export const ROW_SQL = [
  `SELECT setseed(0.42)`,

  `CREATE TEMP TABLE seed_experiments AS
   SELECT gen_random_uuid() AS id, n, timestamptz '2026-11-01 08:00:00+00' + n * interval '12 hours' AS created_at
   FROM seed_params p, generate_series(1, p.experiments) n`,

  `INSERT INTO experiments (id, study_id, dataset_id, created_by_id, name, config, status, current_step, exhaustive_trainings,
                            created_at, started_at, finished_at)
   SELECT e.id, p.study_id, p.dataset_id, p.user_id, format('scale experiment %s', e.n), p.config,
          (CASE WHEN e.n % 10 = 0 THEN 'cancelled' ELSE 'finished' END)::"ExperimentStatus", 5, 0,
          e.created_at, e.created_at + interval '1 minute', e.created_at + interval '3 hours'
   FROM seed_experiments e, seed_params p`,

  `CREATE TEMP TABLE seed_models AS
   SELECT gen_random_uuid() AS id, c.id AS experiment_id, c.n AS experiment_n, m, row_number() OVER (ORDER BY c.n, m) AS g
   FROM (
     SELECT e.id, e.n,
            CASE WHEN e.n = 1 THEN p.large_models
                 ELSE (p.models - p.large_models) / (p.experiments - 1)
                      + CASE WHEN e.n - 2 < (p.models - p.large_models) % (p.experiments - 1) THEN 1 ELSE 0 END
            END AS model_count
     FROM seed_experiments e, seed_params p
   ) c, generate_series(1, c.model_count) m`,

  `INSERT INTO models (id, experiment_id, hash, label, config, parameter_count, status, eliminated_at_step)
   SELECT s.id, s.experiment_id, md5(s.experiment_id::text || ':' || s.m), format('dense-%s-%s lr=0.00%s', 4 + s.m % 60, 4 + s.m % 17, 1 + s.m % 9),
          jsonb_build_object('architecture', jsonb_build_object('dense', jsonb_build_array(4 + s.m % 60, 4 + s.m % 17)), 'learningRate', (1 + s.m % 9) / 1000.0),
          1000 + 37 * (s.m % 700),
          (CASE WHEN s.experiment_n % 10 = 0 THEN 'active' WHEN s.m = 1 THEN 'selected' ELSE 'eliminated' END)::"ModelStatus",
          CASE WHEN s.experiment_n % 10 = 0 OR s.m = 1 THEN NULL ELSE 2 + s.m % 4 END
   FROM seed_models s`,

  `UPDATE experiments e
   SET selected_model_id = CASE WHEN e.status = 'finished' THEN (SELECT s.id FROM seed_models s WHERE s.experiment_id = e.id AND s.m = 1) END,
       exhaustive_trainings = 10 * (SELECT count(*) FROM seed_models s WHERE s.experiment_id = e.id)
   WHERE e.study_id = (SELECT study_id FROM seed_params)`,

  `INSERT INTO instances (id, model_id, instance_index, step, init_seed, sample_seed, shuffle_seed, train_size, status,
                          train_loss, val_loss, test_loss, test_accuracy, duration_ms, backend, attempts, created_at, started_at, finished_at)
   SELECT gen_random_uuid(), c.id, i, i + 1, hashtext(c.id::text || 'i' || i), hashtext(c.id::text || 's' || i), hashtext(c.id::text || 'h' || i),
          2000, 'finished',
          ARRAY[1.2 + r, 0.7 + r, 0.45 + r], ARRAY[1.3 + r, 0.8 + r, 0.55 + r],
          0.3 + 0.2 * (c.m % 7) / 7.0 + r, 0.92 - r, 15000 + (i * 37) % 5000, 'wasm', 1,
          timestamptz '2026-11-01 08:00:00+00' + i * interval '5 minutes', timestamptz '2026-11-01 08:01:00+00' + i * interval '5 minutes',
          timestamptz '2026-11-01 08:03:00+00' + i * interval '5 minutes'
   FROM (
     SELECT s.id, s.m,
            CASE WHEN s.g = 1 THEN p.large_instances
                 ELSE (p.instances - p.large_instances) / (p.models - 1)
                      + CASE WHEN s.g - 2 < (p.instances - p.large_instances) % (p.models - 1) THEN 1 ELSE 0 END
            END AS instance_count
     FROM seed_models s, seed_params p
   ) c,
   LATERAL (SELECT generate_series(0, c.instance_count - 1) AS i) series,
   LATERAL (SELECT 0.08 * random() + 0 * i AS r) noise`,

  `INSERT INTO selection_steps (id, experiment_id, step, statistic, threshold, eliminated_count, survivor_count, created_at)
   SELECT gen_random_uuid(), e.id, s, 'median', CASE WHEN s > 1 THEN 0.4 END, 0, 0, e.created_at + s * interval '10 minutes'
   FROM seed_experiments e, generate_series(1, 5) s`,

  `INSERT INTO selection_step_models (step_id, model_id, value, instance_count, ci_low, ci_high, eliminated)
   SELECT st.id, s.id, 0.3 + 0.2 * (s.m % 7) / 7.0, st.step, NULL, NULL, m.eliminated_at_step IS NOT DISTINCT FROM st.step
   FROM selection_steps st
   JOIN seed_models s ON s.experiment_id = st.experiment_id
   JOIN models m ON m.id = s.id
   WHERE m.eliminated_at_step IS NULL OR m.eliminated_at_step >= st.step`,

  `UPDATE selection_steps st
   SET eliminated_count = (SELECT count(*) FROM selection_step_models v WHERE v.step_id = st.id AND v.eliminated),
       survivor_count = (SELECT count(*) FROM selection_step_models v WHERE v.step_id = st.id AND NOT v.eliminated)
   WHERE st.experiment_id IN (SELECT id FROM seed_experiments)`,
];
