-- The Magento feedback feed paged on "seq" alone. On Postgres a sequence value is taken at insert
-- time, not at commit time: a transaction holding a lower seq can commit after a reader has already
-- moved its cursor past a higher one, and that row would never be read. The feed now pages on
-- (txid, seq) and only returns rows written by transactions older than every transaction still
-- running (pg_snapshot_xmin), so nothing can commit behind the cursor.

-- AlterTable
ALTER TABLE "CommunicationEvent" ADD COLUMN "txid" xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "ConsentEvent" ADD COLUMN "txid" xid8 NOT NULL DEFAULT pg_current_xact_id();

-- DropIndex
DROP INDEX "CommunicationEvent_storeId_seq_idx";
DROP INDEX "ConsentEvent_storeId_seq_idx";

-- CreateIndex
CREATE INDEX "CommunicationEvent_storeId_txid_seq_idx" ON "CommunicationEvent"("storeId", "txid", "seq");
CREATE INDEX "ConsentEvent_storeId_txid_seq_idx" ON "ConsentEvent"("storeId", "txid", "seq");
