<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Cron;

use ExstreamConnect\Connector\Model\Connection;
use ExstreamConnect\Connector\Model\Feedback\FeedbackApplier;
use ExstreamConnect\Connector\Model\RemoteStores;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use Magento\Framework\FlagManager;
use Psr\Log\LoggerInterface;

/**
 * Every five minutes: pulls delivery outcomes and consent changes from each configured sidecar
 * store (GET /v1/feedback?after=<cursor>) and applies them. The cursor lives in the flag table
 * and advances page by page, so a crash re-reads at most one page. Pulling means the sidecar
 * never needs Magento admin credentials.
 */
class FeedbackPull
{
    public const MAX_PAGES = 10;
    public const FLAG_PREFIX = 'exstream_connect_feedback_';

    public function __construct(
        private readonly RemoteStores $remoteStores,
        private readonly SidecarClient $client,
        private readonly FeedbackApplier $applier,
        private readonly FlagManager $flagManager,
        private readonly LoggerInterface $logger
    ) {
    }

    /** @return int items applied */
    public function execute(): int
    {
        $applied = 0;
        foreach ($this->remoteStores->all() as $group) {
            try {
                $applied += $this->pull($group['connection'], $group['storeIds']);
            } catch (SidecarException $e) {
                $this->logger->warning('Exstream feedback pull failed', [
                    'store_key' => $group['connection']->getStoreKey(),
                    'error' => $e->describe(),
                ]);
            }
        }
        return $applied;
    }

    public static function flagCode(Connection $connection): string
    {
        return self::FLAG_PREFIX . substr(sha1($connection->identity()), 0, 16);
    }

    /**
     * @param int[] $storeIds
     */
    private function pull(Connection $connection, array $storeIds): int
    {
        $flag = self::flagCode($connection);
        $stored = $this->flagManager->getFlagData($flag);
        $cursor = is_scalar($stored) && (string) $stored !== '' ? (string) $stored : null;
        $applied = 0;
        for ($page = 0; $page < self::MAX_PAGES; $page++) {
            $result = $this->client->getFeedback($connection, $cursor);
            foreach ($result['items'] as $item) {
                try {
                    if ($this->applier->apply($item, $storeIds)) {
                        $applied++;
                    }
                } catch (\Throwable $e) {
                    // One bad item must not block the cursor forever.
                    $this->logger->error('Exstream feedback item not applied', [
                        'type' => $item['type'] ?? null,
                        'cursor' => $item['cursor'] ?? null,
                        'exception' => $e->getMessage(),
                    ]);
                }
            }
            $next = $result['nextCursor'];
            if ($next === null || $next === $cursor) {
                break;
            }
            $this->flagManager->saveFlag($flag, $next);
            $cursor = $next;
            if ($result['items'] === []) {
                break;
            }
        }
        return $applied;
    }
}
