<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model\Outbox;

use Magento\Framework\App\ResourceConnection;

/**
 * Table access for exstream_connect_outbox. Observers insert; the dispatch cron claims, updates
 * and the cleanup cron deletes. Times are UTC "Y-m-d H:i:s" like the rest of Magento's tables.
 */
class OutboxStore
{
    public const TABLE = 'exstream_connect_outbox';

    public const STATUS_PENDING = 'pending';
    public const STATUS_PROCESSING = 'processing';
    public const STATUS_SENT = 'sent';
    public const STATUS_FAILED = 'failed';

    public function __construct(private readonly ResourceConnection $resource)
    {
    }

    /**
     * Inserts a new row unless its idempotency key exists. The ON DUPLICATE clause only rewrites
     * the key with itself, so an existing row (and its status) is never touched.
     *
     * @param array{idempotency_key: string, event: string, entity_type: string, entity_id: int,
     *              order_id: ?int, store_id: int} $row
     * @return bool true when a row was inserted
     */
    public function add(array $row, int $now): bool
    {
        $data = [
            'idempotency_key' => $row['idempotency_key'],
            'event' => $row['event'],
            'entity_type' => $row['entity_type'],
            'entity_id' => $row['entity_id'],
            'order_id' => $row['order_id'],
            'store_id' => $row['store_id'],
            'payload' => null,
            'status' => self::STATUS_PENDING,
            'attempts' => 0,
            'next_attempt_at' => self::time($now),
            'created_at' => self::time($now),
            'updated_at' => self::time($now),
        ];
        $affected = $this->connection()->insertOnDuplicate($this->table(), $data, ['idempotency_key']);
        return (int) $affected === 1;
    }

    /**
     * Selects due rows and marks them processing. Callers hold the dispatch lock, so no other
     * process claims the same rows.
     *
     * @return array<int, array<string, mixed>>
     */
    public function claimDue(int $limit, int $now): array
    {
        $connection = $this->connection();
        $select = $connection->select()
            ->from($this->table())
            ->where('status = ?', self::STATUS_PENDING)
            ->where('next_attempt_at <= ?', self::time($now))
            ->order(['next_attempt_at ASC', 'id ASC'])
            ->limit($limit);
        $rows = $connection->fetchAll($select);
        if ($rows === []) {
            return [];
        }
        $ids = array_map(static fn (array $r): int => (int) $r['id'], $rows);
        $connection->update(
            $this->table(),
            ['status' => self::STATUS_PROCESSING, 'updated_at' => self::time($now)],
            ['id IN (?)' => $ids]
        );
        return $rows;
    }

    /** Rows left "processing" by a crashed run go back to pending. */
    public function releaseStale(int $olderThan, int $now): int
    {
        return (int) $this->connection()->update(
            $this->table(),
            ['status' => self::STATUS_PENDING, 'updated_at' => self::time($now)],
            ['status = ?' => self::STATUS_PROCESSING, 'updated_at < ?' => self::time($olderThan)]
        );
    }

    public function savePayload(int $id, string $payload): void
    {
        $this->connection()->update($this->table(), ['payload' => $payload], ['id = ?' => $id]);
    }

    public function markSent(int $id, int $attempts, int $now): void
    {
        $this->connection()->update($this->table(), [
            'status' => self::STATUS_SENT,
            'attempts' => $attempts,
            'last_error' => null,
            'updated_at' => self::time($now),
        ], ['id = ?' => $id]);
    }

    public function markRetry(int $id, int $attempts, int $nextAttemptAt, string $error, int $now): void
    {
        $this->connection()->update($this->table(), [
            'status' => self::STATUS_PENDING,
            'attempts' => $attempts,
            'next_attempt_at' => self::time($nextAttemptAt),
            'last_error' => $error,
            'updated_at' => self::time($now),
        ], ['id = ?' => $id]);
    }

    public function markFailed(int $id, int $attempts, string $error, int $now): void
    {
        $this->connection()->update($this->table(), [
            'status' => self::STATUS_FAILED,
            'attempts' => $attempts,
            'last_error' => $error,
            'updated_at' => self::time($now),
        ], ['id = ?' => $id]);
    }

    /** An admin "retry" of a failed row: back in the queue with a fresh attempt budget. */
    public function requeue(int $id, int $now): bool
    {
        return (int) $this->connection()->update($this->table(), [
            'status' => self::STATUS_PENDING,
            'attempts' => 0,
            'next_attempt_at' => self::time($now),
            'updated_at' => self::time($now),
        ], ['id = ?' => $id, 'status = ?' => self::STATUS_FAILED]) === 1;
    }

    /**
     * The local state of one order's events (the order-view fallback), newest first.
     *
     * @return array<int, array<string, mixed>>
     */
    public function forOrder(int $orderId, int $limit = 100): array
    {
        $connection = $this->connection();
        $select = $connection->select()
            ->from($this->table(), [
                'id', 'idempotency_key', 'event', 'entity_type', 'entity_id', 'status', 'attempts',
                'next_attempt_at', 'last_error', 'created_at', 'updated_at',
            ])
            ->where('order_id = ?', $orderId)
            ->order('id DESC')
            ->limit($limit);
        return $connection->fetchAll($select);
    }

    /**
     * @return array<int, array<string, mixed>>
     */
    public function listByStatus(string $status, int $limit = 200): array
    {
        $connection = $this->connection();
        $select = $connection->select()
            ->from($this->table(), [
                'id', 'idempotency_key', 'event', 'entity_type', 'entity_id', 'order_id', 'store_id',
                'status', 'attempts', 'next_attempt_at', 'last_error', 'created_at', 'updated_at',
            ])
            ->where('status = ?', $status)
            ->order('id DESC')
            ->limit($limit);
        return $connection->fetchAll($select);
    }

    /** @return array<string, int> status => count */
    public function countByStatus(): array
    {
        $connection = $this->connection();
        $select = $connection->select()
            ->from($this->table(), ['status', 'total' => 'COUNT(*)'])
            ->group('status');
        $counts = [];
        foreach ($connection->fetchAll($select) as $row) {
            $counts[(string) $row['status']] = (int) $row['total'];
        }
        return $counts;
    }

    public function lastSentAt(): ?string
    {
        $connection = $this->connection();
        $select = $connection->select()
            ->from($this->table(), ['last' => 'MAX(updated_at)'])
            ->where('status = ?', self::STATUS_SENT);
        $value = $connection->fetchOne($select);
        return $value ? (string) $value : null;
    }

    /** Deletes sent and failed rows last touched before the cutoff. */
    public function deleteFinishedBefore(int $cutoff): int
    {
        return (int) $this->connection()->delete($this->table(), [
            'status IN (?)' => [self::STATUS_SENT, self::STATUS_FAILED],
            'updated_at < ?' => self::time($cutoff),
        ]);
    }

    public static function time(int $timestamp): string
    {
        return gmdate('Y-m-d H:i:s', $timestamp);
    }

    /**
     * @return \Magento\Framework\DB\Adapter\AdapterInterface
     */
    private function connection()
    {
        return $this->resource->getConnection();
    }

    private function table(): string
    {
        return $this->resource->getTableName(self::TABLE);
    }
}
