-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Platform" AS ENUM ('shopify', 'magento');

-- CreateEnum
CREATE TYPE "InboundState" AS ENUM ('received', 'processing', 'processed', 'deferred', 'failed');

-- CreateEnum
CREATE TYPE "CommunicationStatus" AS ENUM ('queued', 'sending', 'sent', 'delivered', 'opened', 'bounced', 'failed', 'suppressed', 'skipped');

-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('email', 'print', 'web', 'sms', 'archive');

-- CreateEnum
CREATE TYPE "PreferenceState" AS ENUM ('opted_in', 'opted_out', 'bounced');

-- CreateTable
CREATE TABLE "Store" (
    "id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "externalKey" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "defaultBrand" TEXT NOT NULL DEFAULT 'default',
    "defaultLocale" TEXT NOT NULL DEFAULT 'en',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "currency" TEXT,
    "signingSecretEnc" TEXT,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Store_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExstreamConnection" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "tokenUrl" TEXT NOT NULL,
    "grantType" TEXT NOT NULL DEFAULT 'client_credentials',
    "clientId" TEXT NOT NULL,
    "clientSecretEnc" TEXT NOT NULL,
    "username" TEXT,
    "passwordEnc" TEXT,
    "scope" TEXT,
    "serviceNames" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExstreamConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TemplateRule" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "eventKind" TEXT NOT NULL,
    "documentType" TEXT NOT NULL,
    "brand" TEXT,
    "locale" TEXT,
    "channel" "Channel" NOT NULL,
    "fallbackChannels" "Channel"[] DEFAULT ARRAY[]::"Channel"[],
    "productType" TEXT,
    "skuPrefix" TEXT,
    "tag" TEXT,
    "country" TEXT,
    "communicationId" TEXT,
    "serviceName" TEXT,
    "templateVersion" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TemplateRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "eventId" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "businessKey" TEXT,
    "topic" TEXT NOT NULL,
    "kind" TEXT,
    "orderRef" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" JSONB NOT NULL,
    "state" "InboundState" NOT NULL DEFAULT 'received',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "processedAt" TIMESTAMP(3),
    "result" JSONB,

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Communication" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "inboundEventId" UUID,
    "businessKey" TEXT NOT NULL,
    "orderRef" TEXT,
    "customerRef" TEXT,
    "recipientHash" TEXT,
    "documentType" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "status" "CommunicationStatus" NOT NULL DEFAULT 'queued',
    "templateRuleId" UUID,
    "exstreamCommunicationId" TEXT,
    "serviceName" TEXT,
    "templateVersion" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "resendOfId" UUID,
    "exstreamJobId" TEXT,
    "documentRef" TEXT,
    "documentPath" TEXT,
    "dataSha256" TEXT,
    "documentData" JSONB,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "lastError" TEXT,
    "reason" TEXT,
    "redactedAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Communication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommunicationEvent" (
    "seq" BIGSERIAL NOT NULL,
    "storeId" UUID NOT NULL,
    "communicationId" UUID NOT NULL,
    "status" "CommunicationStatus" NOT NULL,
    "source" TEXT NOT NULL,
    "detail" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CommunicationEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "CustomerPreference" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "customerRef" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "state" "PreferenceState" NOT NULL,
    "source" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerPreference_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Store_platform_externalKey_key" ON "Store"("platform", "externalKey");

-- CreateIndex
CREATE UNIQUE INDEX "ExstreamConnection_storeId_key" ON "ExstreamConnection"("storeId");

-- CreateIndex
CREATE INDEX "TemplateRule_storeId_eventKind_enabled_idx" ON "TemplateRule"("storeId", "eventKind", "enabled");

-- CreateIndex
CREATE INDEX "InboundEvent_storeId_orderRef_idx" ON "InboundEvent"("storeId", "orderRef");

-- CreateIndex
CREATE INDEX "InboundEvent_state_receivedAt_idx" ON "InboundEvent"("state", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_storeId_dedupeKey_key" ON "InboundEvent"("storeId", "dedupeKey");

-- CreateIndex
CREATE UNIQUE INDEX "Communication_idempotencyKey_key" ON "Communication"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Communication_storeId_orderRef_createdAt_idx" ON "Communication"("storeId", "orderRef", "createdAt");

-- CreateIndex
CREATE INDEX "Communication_storeId_customerRef_createdAt_idx" ON "Communication"("storeId", "customerRef", "createdAt");

-- CreateIndex
CREATE INDEX "Communication_storeId_createdAt_idx" ON "Communication"("storeId", "createdAt");

-- CreateIndex
CREATE INDEX "Communication_storeId_status_idx" ON "Communication"("storeId", "status");

-- CreateIndex
CREATE INDEX "Communication_storeId_businessKey_idx" ON "Communication"("storeId", "businessKey");

-- CreateIndex
CREATE INDEX "CommunicationEvent_communicationId_seq_idx" ON "CommunicationEvent"("communicationId", "seq");

-- CreateIndex
CREATE INDEX "CommunicationEvent_storeId_seq_idx" ON "CommunicationEvent"("storeId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerPreference_storeId_customerRef_channel_key" ON "CustomerPreference"("storeId", "customerRef", "channel");

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- AddForeignKey
ALTER TABLE "ExstreamConnection" ADD CONSTRAINT "ExstreamConnection_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateRule" ADD CONSTRAINT "TemplateRule_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundEvent" ADD CONSTRAINT "InboundEvent_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Communication" ADD CONSTRAINT "Communication_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Communication" ADD CONSTRAINT "Communication_inboundEventId_fkey" FOREIGN KEY ("inboundEventId") REFERENCES "InboundEvent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunicationEvent" ADD CONSTRAINT "CommunicationEvent_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunicationEvent" ADD CONSTRAINT "CommunicationEvent_communicationId_fkey" FOREIGN KEY ("communicationId") REFERENCES "Communication"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerPreference" ADD CONSTRAINT "CustomerPreference_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

