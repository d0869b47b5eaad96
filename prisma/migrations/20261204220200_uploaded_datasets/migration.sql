-- AlterTable
ALTER TABLE "datasets" ADD COLUMN     "study_id" UUID,
ADD COLUMN     "created_by_id" UUID,
ADD COLUMN     "summary" JSONB;

-- CreateTable
CREATE TABLE "dataset_chunks" (
    "dataset_id" UUID NOT NULL,
    "part" TEXT NOT NULL,
    "chunk_index" INTEGER NOT NULL,
    "first_sample" INTEGER NOT NULL,
    "sample_count" INTEGER NOT NULL,
    "inputs" BYTEA NOT NULL,
    "targets" BYTEA NOT NULL,

    CONSTRAINT "dataset_chunks_pkey" PRIMARY KEY ("dataset_id","part","chunk_index")
);

-- CreateIndex
CREATE UNIQUE INDEX "datasets_study_id_checksum_key" ON "datasets"("study_id", "checksum");

-- CreateIndex
CREATE INDEX "datasets_created_by_id_idx" ON "datasets"("created_by_id");

-- AddForeignKey
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_study_id_fkey" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_chunks" ADD CONSTRAINT "dataset_chunks_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
