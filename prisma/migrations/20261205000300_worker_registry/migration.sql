-- CreateEnum
CREATE TYPE "WorkerStatus" AS ENUM ('idle', 'busy', 'stopped', 'lost');

-- CreateTable
CREATE TABLE "workers" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "slot" INTEGER,
    "backend" TEXT NOT NULL,
    "tfjs_version" TEXT NOT NULL,
    "status" "WorkerStatus" NOT NULL DEFAULT 'idle',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_interval_ms" INTEGER NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "current_instance_id" UUID,
    "current_started_at" TIMESTAMPTZ(3),
    "current_epoch" INTEGER,
    "current_epochs" INTEGER,
    "training_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "workers_status_idx" ON "workers"("status");

-- CreateIndex
CREATE INDEX "workers_current_instance_id_idx" ON "workers"("current_instance_id");

-- AddForeignKey
ALTER TABLE "workers" ADD CONSTRAINT "workers_current_instance_id_fkey" FOREIGN KEY ("current_instance_id") REFERENCES "instances"("id") ON DELETE SET NULL ON UPDATE CASCADE;
