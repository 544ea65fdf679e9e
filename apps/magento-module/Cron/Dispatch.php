<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Cron;

use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Outbox\Backoff;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use ExstreamConnect\Connector\Model\PayloadBuilder;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Framework\Lock\LockManagerInterface;
use Psr\Log\LoggerInterface;

/**
 * Every minute: deliver due outbox rows to the sidecar. One run at a time (lock); each row is
 * built late (first attempt), signed and posted; failures back off through next_attempt_at and
 * end as "failed" after the configured number of attempts.
 */
class Dispatch
{
    public const LOCK_NAME = 'exstream_connect_dispatch';
    /** A row still "processing" after this long belongs to a run that died. */
    public const STALE_AFTER_SECONDS = 900;

    public function __construct(
        private readonly OutboxStore $outbox,
        private readonly PayloadBuilder $payloadBuilder,
        private readonly SidecarClient $client,
        private readonly Config $config,
        private readonly Backoff $backoff,
        private readonly LockManagerInterface $lockManager,
        private readonly Clock $clock,
        private readonly LoggerInterface $logger
    ) {
    }

    /**
     * @return array{sent: int, retried: int, failed: int, skipped: bool}
     */
    public function execute(): array
    {
        $summary = ['sent' => 0, 'retried' => 0, 'failed' => 0, 'skipped' => false];
        if (!$this->lockManager->lock(self::LOCK_NAME, 0)) {
            $summary['skipped'] = true;
            return $summary;
        }
        try {
            $now = $this->clock->now();
            $this->outbox->releaseStale($now - self::STALE_AFTER_SECONDS, $now);
            $rows = $this->outbox->claimDue($this->config->getBatchSize(), $now);
            foreach ($rows as $row) {
                $outcome = $this->deliver($row);
                $summary[$outcome]++;
            }
        } finally {
            $this->lockManager->unlock(self::LOCK_NAME);
        }
        if ($summary['sent'] + $summary['retried'] + $summary['failed'] > 0) {
            $this->logger->info('Exstream dispatch run', $summary);
        }
        return $summary;
    }

    /**
     * @param array<string, mixed> $row
     * @return string sent|retried|failed
     */
    private function deliver(array $row): string
    {
        $id = (int) $row['id'];
        $attempts = (int) $row['attempts'] + 1;
        $storeId = (int) $row['store_id'];
        try {
            $connection = $this->config->getConnection($storeId);
            if ($connection === null) {
                return $this->retryOrFail($id, $attempts, 'Module disabled or sidecar not configured for store ' . $storeId);
            }
            $payload = isset($row['payload']) && $row['payload'] !== '' ? (string) $row['payload'] : null;
            if ($payload === null) {
                $payload = json_encode(
                    $this->payloadBuilder->build($row),
                    JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION
                );
                // Stored so every retry sends the same bytes under the same idempotency key.
                $this->outbox->savePayload($id, $payload);
            }
            $this->client->postEvent($connection, $payload);
            $this->outbox->markSent($id, $attempts, $this->clock->now());
            return 'sent';
        } catch (NoSuchEntityException $e) {
            return $this->fail($id, $attempts, 'Entity no longer exists: ' . $e->getMessage());
        } catch (SidecarException $e) {
            if ($e->isPermanent()) {
                return $this->fail($id, $attempts, $e->describe());
            }
            return $this->retryOrFail($id, $attempts, $e->describe(), $e->getRetryAfter());
        } catch (\Throwable $e) {
            return $this->retryOrFail($id, $attempts, get_class($e) . ': ' . $e->getMessage());
        }
    }

    private function retryOrFail(int $id, int $attempts, string $error, ?int $retryAfter = null): string
    {
        if ($attempts >= $this->config->getMaxAttempts()) {
            return $this->fail($id, $attempts, $error);
        }
        $now = $this->clock->now();
        $next = $now + $this->backoff->delaySeconds($attempts, $retryAfter);
        $this->outbox->markRetry($id, $attempts, $next, mb_substr($error, 0, 2000), $now);
        return 'retried';
    }

    private function fail(int $id, int $attempts, string $error): string
    {
        $this->outbox->markFailed($id, $attempts, mb_substr($error, 0, 2000), $this->clock->now());
        $this->logger->error('Exstream event failed for good', ['outbox_id' => $id, 'error' => $error]);
        return 'failed';
    }
}
