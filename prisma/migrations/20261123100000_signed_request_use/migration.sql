-- Replay protection for signed Magento module requests. A signature is accepted for 300 s; the
-- sidecar records each use of a non-idempotent request's signature here (unique per store) and
-- refuses a second use, so a captured resend or settings PUT cannot be replayed inside the window.
-- Shared by every sidecar instance on the database; rows expire with the window.

-- CreateTable
CREATE TABLE "SignedRequestUse" (
    "storeId" UUID NOT NULL,
    "signature" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignedRequestUse_pkey" PRIMARY KEY ("storeId","signature")
);

-- CreateIndex
CREATE INDEX "SignedRequestUse_expiresAt_idx" ON "SignedRequestUse"("expiresAt");
