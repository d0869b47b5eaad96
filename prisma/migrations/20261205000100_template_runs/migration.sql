-- CreateTable
CREATE TABLE "template_runs" (
    "id" UUID NOT NULL,
    "study_id" UUID NOT NULL,
    "created_by_id" UUID,
    "template" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "summary" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "template_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "template_run_experiments" (
    "template_run_id" UUID NOT NULL,
    "experiment_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "template_run_experiments_pkey" PRIMARY KEY ("template_run_id","key")
);

-- CreateIndex
CREATE INDEX "template_runs_study_id_created_at_idx" ON "template_runs"("study_id", "created_at");

-- CreateIndex
CREATE INDEX "template_runs_created_by_id_idx" ON "template_runs"("created_by_id");

-- CreateIndex
CREATE UNIQUE INDEX "template_run_experiments_experiment_id_key" ON "template_run_experiments"("experiment_id");

-- AddForeignKey
ALTER TABLE "template_runs" ADD CONSTRAINT "template_runs_study_id_fkey" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "template_runs" ADD CONSTRAINT "template_runs_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "template_run_experiments" ADD CONSTRAINT "template_run_experiments_template_run_id_fkey" FOREIGN KEY ("template_run_id") REFERENCES "template_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "template_run_experiments" ADD CONSTRAINT "template_run_experiments_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
