-- The replenishment check reads a store's orders of a few narrow time windows every hour; without
-- this index each read scanned the store's whole ledger.

-- CreateIndex
CREATE INDEX "InboundEvent_storeId_receivedAt_idx" ON "InboundEvent"("storeId", "receivedAt");
