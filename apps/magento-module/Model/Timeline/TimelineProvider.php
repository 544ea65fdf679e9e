<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model\Timeline;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use Psr\Log\LoggerInterface;

/**
 * The data behind the order-view tab: the sidecar's timeline (short timeout) plus the local
 * outbox rows of the order. When the sidecar cannot be reached the tab still shows what Magento
 * knows: which events were queued, sent or failed.
 */
class TimelineProvider
{
    public function __construct(
        private readonly Config $config,
        private readonly SidecarClient $client,
        private readonly OutboxStore $outbox,
        private readonly LoggerInterface $logger
    ) {
    }

    /**
     * @return array{source: string, items: array<int, array<string, mixed>>, local: array<int, array<string, mixed>>,
     *               error: ?string}
     *         source = "sidecar" | "local" (sidecar failed) | "disabled" (module off for the store)
     */
    public function forOrder(int $orderId, string $incrementId, int $storeId): array
    {
        $local = $this->outbox->forOrder($orderId);
        $connection = $this->config->getConnection($storeId);
        if ($connection === null) {
            return ['source' => 'disabled', 'items' => [], 'local' => $local, 'error' => null];
        }
        try {
            $items = $this->client->getTimeline(
                $connection->withTimeout($this->config->getAdminTimeout($storeId)),
                $incrementId
            );
            usort($items, static fn (array $a, array $b): int => strcmp(
                (string) ($a['createdAt'] ?? ''),
                (string) ($b['createdAt'] ?? '')
            ));
            return ['source' => 'sidecar', 'items' => $items, 'local' => $local, 'error' => null];
        } catch (SidecarException $e) {
            $this->logger->warning('Exstream timeline fell back to the local outbox', [
                'order' => $incrementId,
                'error' => $e->getMessage(),
            ]);
            $message = $e->isUnreachable()
                ? 'The Exstream Connect sidecar did not answer in time.'
                : 'The Exstream Connect sidecar refused the request (HTTP ' . $e->getStatus() . ').';
            return ['source' => 'local', 'items' => [], 'local' => $local, 'error' => $message];
        }
    }
}
