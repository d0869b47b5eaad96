-- Failed sign-ins of the sign-in rate limit (server/auth/sign-in-limiter.ts), in
-- Postgres so that every web process counts the same failures. Each failure
-- makes one row per key kind: the email address and the client address.

-- CreateEnum
CREATE TYPE "SignInLimitKind" AS ENUM ('email', 'address');

-- CreateTable
CREATE TABLE "sign_in_failures" (
    "id" BIGSERIAL NOT NULL,
    "kind" "SignInLimitKind" NOT NULL,
    "key" TEXT NOT NULL,
    "failed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sign_in_failures_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sign_in_failures_kind_key_failed_at_idx" ON "sign_in_failures"("kind", "key", "failed_at");

-- CreateIndex
CREATE INDEX "sign_in_failures_failed_at_idx" ON "sign_in_failures"("failed_at");
