-- AlterTable
ALTER TABLE "Communication" ADD COLUMN     "orderNumber" TEXT,
ADD COLUMN     "recipientMasked" TEXT;

-- CreateTable
CREATE TABLE "ConsentEvent" (
    "seq" BIGSERIAL NOT NULL,
    "storeId" UUID NOT NULL,
    "customerRef" TEXT NOT NULL,
    "emailMasked" TEXT,
    "channel" "Channel" NOT NULL,
    "state" "PreferenceState" NOT NULL,
    "source" TEXT NOT NULL,
    "detail" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConsentEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "ConsentEvent_storeId_seq_idx" ON "ConsentEvent"("storeId", "seq");

-- CreateIndex
CREATE INDEX "Communication_storeId_recipientHash_idx" ON "Communication"("storeId", "recipientHash");

-- AddForeignKey
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

