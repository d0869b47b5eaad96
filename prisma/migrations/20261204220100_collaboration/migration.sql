-- CreateEnum
CREATE TYPE "ActivityKind" AS ENUM ('experiment_started', 'experiment_finished', 'experiment_failed', 'experiment_cancelled', 'dataset_added', 'note_added', 'comment_added');

-- CreateTable
CREATE TABLE "notes" (
    "id" UUID NOT NULL,
    "study_id" UUID NOT NULL,
    "experiment_id" UUID,
    "model_id" UUID,
    "author_id" UUID,
    "updated_by_id" UUID,
    "body" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "experiment_tags" (
    "experiment_id" UUID NOT NULL,
    "tag" TEXT NOT NULL,

    CONSTRAINT "experiment_tags_pkey" PRIMARY KEY ("experiment_id","tag")
);

-- CreateTable
CREATE TABLE "model_tags" (
    "model_id" UUID NOT NULL,
    "tag" TEXT NOT NULL,

    CONSTRAINT "model_tags_pkey" PRIMARY KEY ("model_id","tag")
);

-- CreateTable
CREATE TABLE "activity_events" (
    "id" UUID NOT NULL,
    "study_id" UUID NOT NULL,
    "kind" "ActivityKind" NOT NULL,
    "actor_id" UUID,
    "experiment_id" UUID,
    "dataset_id" UUID,
    "note_id" UUID,
    "summary" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activity_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notes_study_id_created_at_idx" ON "notes"("study_id", "created_at");

-- CreateIndex
CREATE INDEX "notes_experiment_id_idx" ON "notes"("experiment_id");

-- CreateIndex
CREATE INDEX "notes_model_id_idx" ON "notes"("model_id");

-- CreateIndex
CREATE INDEX "experiment_tags_tag_idx" ON "experiment_tags"("tag");

-- CreateIndex
CREATE INDEX "model_tags_tag_idx" ON "model_tags"("tag");

-- CreateIndex
CREATE INDEX "activity_events_study_id_created_at_idx" ON "activity_events"("study_id", "created_at");

-- CreateIndex
CREATE INDEX "activity_events_experiment_id_idx" ON "activity_events"("experiment_id");

-- CreateIndex
CREATE INDEX "activity_events_note_id_idx" ON "activity_events"("note_id");

-- CreateIndex
CREATE INDEX "models_experiment_id_status_idx" ON "models"("experiment_id", "status");

-- CreateIndex
CREATE INDEX "instances_model_id_status_test_loss_idx" ON "instances"("model_id", "status", "test_loss");

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_study_id_fkey" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_updated_by_id_fkey" FOREIGN KEY ("updated_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiment_tags" ADD CONSTRAINT "experiment_tags_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_tags" ADD CONSTRAINT "model_tags_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_events" ADD CONSTRAINT "activity_events_study_id_fkey" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_events" ADD CONSTRAINT "activity_events_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_events" ADD CONSTRAINT "activity_events_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_events" ADD CONSTRAINT "activity_events_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_events" ADD CONSTRAINT "activity_events_note_id_fkey" FOREIGN KEY ("note_id") REFERENCES "notes"("id") ON DELETE SET NULL ON UPDATE CASCADE;
