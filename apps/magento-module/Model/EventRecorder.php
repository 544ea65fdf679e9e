<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use Psr\Log\LoggerInterface;

/**
 * What every observer calls: checks that the event is enabled for the entity's store view, then
 * writes one outbox row. No HTTP, no payload building: that happens later in cron.
 */
class EventRecorder
{
    public function __construct(
        private readonly Config $config,
        private readonly OutboxStore $outbox,
        private readonly EventRegistry $registry,
        private readonly Clock $clock,
        private readonly LoggerInterface $logger
    ) {
    }

    /**
     * @return bool true when a new outbox row was written
     */
    public function record(
        string $event,
        string $entityType,
        int $entityId,
        int $storeId,
        ?int $orderId,
        string $idempotencyKey
    ): bool {
        if ($entityId <= 0 || $this->registry->has($idempotencyKey)) {
            return false;
        }
        if (!$this->config->isEventEnabled($event, $storeId)) {
            return false;
        }
        // Mark first: if the insert fails we log once rather than retrying on every later save.
        $this->registry->add($idempotencyKey);
        $inserted = $this->outbox->add([
            'idempotency_key' => $idempotencyKey,
            'event' => $event,
            'entity_type' => $entityType,
            'entity_id' => $entityId,
            'order_id' => $orderId,
            'store_id' => $storeId,
        ], $this->clock->now());
        if ($inserted) {
            $this->logger->info('Exstream event queued', ['event' => $event, 'key' => $idempotencyKey]);
        }
        return $inserted;
    }
}
