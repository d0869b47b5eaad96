-- CreateEnum
CREATE TYPE "StudyRole" AS ENUM ('owner', 'editor', 'viewer');

-- CreateEnum
CREATE TYPE "ExperimentStatus" AS ENUM ('queued', 'running', 'finished', 'cancelled', 'failed');

-- CreateEnum
CREATE TYPE "ModelStatus" AS ENUM ('active', 'eliminated', 'selected');

-- CreateEnum
CREATE TYPE "InstanceStatus" AS ENUM ('queued', 'running', 'finished', 'diverged', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "DatasetTask" AS ENUM ('classification', 'regression');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "is_admin" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "studies" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "studies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "study_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "StudyRole" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("study_id","user_id")
);

-- CreateTable
CREATE TABLE "datasets" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "task" "DatasetTask" NOT NULL,
    "input_shape" INTEGER[],
    "classes" INTEGER NOT NULL,
    "train_count" INTEGER NOT NULL,
    "test_count" INTEGER NOT NULL,
    "checksum" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "experiments" (
    "id" UUID NOT NULL,
    "study_id" UUID NOT NULL,
    "dataset_id" UUID NOT NULL,
    "created_by_id" UUID,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "status" "ExperimentStatus" NOT NULL DEFAULT 'queued',
    "current_step" INTEGER NOT NULL DEFAULT 0,
    "selected_model_id" UUID,
    "exhaustive_trainings" INTEGER NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "experiments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "models" (
    "id" UUID NOT NULL,
    "experiment_id" UUID NOT NULL,
    "hash" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "parameter_count" INTEGER NOT NULL,
    "status" "ModelStatus" NOT NULL DEFAULT 'active',
    "eliminated_at_step" INTEGER,

    CONSTRAINT "models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instances" (
    "id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "instance_index" INTEGER NOT NULL,
    "step" INTEGER NOT NULL,
    "init_seed" INTEGER NOT NULL,
    "sample_seed" INTEGER NOT NULL,
    "shuffle_seed" INTEGER NOT NULL,
    "train_size" INTEGER NOT NULL,
    "status" "InstanceStatus" NOT NULL DEFAULT 'queued',
    "train_loss" DOUBLE PRECISION[],
    "val_loss" DOUBLE PRECISION[],
    "test_loss" DOUBLE PRECISION,
    "test_accuracy" DOUBLE PRECISION,
    "diverged_epoch" INTEGER,
    "duration_ms" INTEGER,
    "backend" TEXT,
    "worker_id" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "instances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instance_predictions" (
    "instance_id" UUID NOT NULL,
    "sample_count" INTEGER NOT NULL,
    "predicted_class" BYTEA NOT NULL,
    "true_class_prob" BYTEA NOT NULL,
    "loss" BYTEA NOT NULL,

    CONSTRAINT "instance_predictions_pkey" PRIMARY KEY ("instance_id")
);

-- CreateTable
CREATE TABLE "selection_steps" (
    "id" UUID NOT NULL,
    "experiment_id" UUID NOT NULL,
    "step" INTEGER NOT NULL,
    "statistic" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION,
    "eliminated_count" INTEGER NOT NULL,
    "survivor_count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "selection_steps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "selection_step_models" (
    "step_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "value" DOUBLE PRECISION,
    "instance_count" INTEGER NOT NULL,
    "ci_low" DOUBLE PRECISION,
    "ci_high" DOUBLE PRECISION,
    "eliminated" BOOLEAN NOT NULL,

    CONSTRAINT "selection_step_models_pkey" PRIMARY KEY ("step_id","model_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions"("token_hash");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "datasets_key_version_key" ON "datasets"("key", "version");

-- CreateIndex
CREATE UNIQUE INDEX "experiments_selected_model_id_key" ON "experiments"("selected_model_id");

-- CreateIndex
CREATE INDEX "experiments_study_id_created_at_idx" ON "experiments"("study_id", "created_at");

-- CreateIndex
CREATE INDEX "experiments_dataset_id_idx" ON "experiments"("dataset_id");

-- CreateIndex
CREATE INDEX "experiments_created_by_id_idx" ON "experiments"("created_by_id");

-- CreateIndex
CREATE UNIQUE INDEX "models_experiment_id_hash_key" ON "models"("experiment_id", "hash");

-- CreateIndex
CREATE INDEX "instances_status_idx" ON "instances"("status");

-- CreateIndex
CREATE UNIQUE INDEX "instances_model_id_instance_index_key" ON "instances"("model_id", "instance_index");

-- CreateIndex
CREATE UNIQUE INDEX "selection_steps_experiment_id_step_key" ON "selection_steps"("experiment_id", "step");

-- CreateIndex
CREATE INDEX "selection_step_models_model_id_idx" ON "selection_step_models"("model_id");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_study_id_fkey" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_study_id_fkey" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_selected_model_id_fkey" FOREIGN KEY ("selected_model_id") REFERENCES "models"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "models" ADD CONSTRAINT "models_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instances" ADD CONSTRAINT "instances_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instance_predictions" ADD CONSTRAINT "instance_predictions_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "selection_steps" ADD CONSTRAINT "selection_steps_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "selection_step_models" ADD CONSTRAINT "selection_step_models_step_id_fkey" FOREIGN KEY ("step_id") REFERENCES "selection_steps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "selection_step_models" ADD CONSTRAINT "selection_step_models_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;
