<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model\Outbox;

use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use Magento\Framework\App\ResourceConnection;
use Magento\Framework\DB\Adapter\AdapterInterface;
use Magento\Framework\DB\Select;
use PHPUnit\Framework\MockObject\MockObject;
use PHPUnit\Framework\TestCase;

class OutboxStoreTest extends TestCase
{
    /** @var AdapterInterface&MockObject */
    private $db;
    private Select $select;

    private function store(): OutboxStore
    {
        $this->db = $this->createMock(AdapterInterface::class);
        $this->select = new Select();
        $this->db->method('select')->willReturn($this->select);
        $resource = $this->createMock(ResourceConnection::class);
        $resource->method('getConnection')->willReturn($this->db);
        $resource->method('getTableName')->willReturnCallback(static fn (string $t): string => 'm2_' . $t);
        return new OutboxStore($resource);
    }

    public function testAddNeverOverwritesAnExistingRow(): void
    {
        $store = $this->store();
        $this->db->expects(self::exactly(2))->method('insertOnDuplicate')
            ->with('m2_exstream_connect_outbox', self::callback(static function (array $row): bool {
                return $row['status'] === 'pending' && $row['payload'] === null && $row['attempts'] === 0
                    && $row['next_attempt_at'] === '2026-05-28 20:26:40';
            }), ['idempotency_key'])
            ->willReturnOnConsecutiveCalls(1, 0);
        $row = ['idempotency_key' => 'k', 'event' => 'order.placed', 'entity_type' => 'order', 'entity_id' => 1,
            'order_id' => 1, 'store_id' => 1];

        self::assertTrue($store->add($row, 1780000000));
        self::assertFalse($store->add($row, 1780000000), 'a duplicate key reports no insert');
    }

    public function testClaimSelectsDuePendingRowsAndMarksThemProcessing(): void
    {
        $store = $this->store();
        $this->db->method('fetchAll')->willReturn([['id' => '3'], ['id' => '5']]);
        $this->db->expects(self::once())->method('update')->with(
            'm2_exstream_connect_outbox',
            ['status' => 'processing', 'updated_at' => '2026-05-28 20:26:40'],
            ['id IN (?)' => [3, 5]]
        );

        self::assertCount(2, $store->claimDue(10, 1780000000));
        self::assertContains(['where', 'status = ?', 'pending'], $this->select->parts);
        self::assertContains(['where', 'next_attempt_at <= ?', '2026-05-28 20:26:40'], $this->select->parts);
        self::assertContains(['limit', 10], $this->select->parts);
    }

    public function testCleanupDeletesOnlyFinishedRows(): void
    {
        $store = $this->store();
        $this->db->expects(self::once())->method('delete')->with('m2_exstream_connect_outbox', [
            'status IN (?)' => ['sent', 'failed'],
            'updated_at < ?' => '2026-05-28 20:26:40',
        ])->willReturn(4);
        self::assertSame(4, $store->deleteFinishedBefore(1780000000));
    }

    public function testRequeueOnlyTouchesFailedRows(): void
    {
        $store = $this->store();
        $this->db->expects(self::once())->method('update')->with(
            'm2_exstream_connect_outbox',
            self::callback(static fn (array $bind): bool => $bind['status'] === 'pending' && $bind['attempts'] === 0),
            ['id = ?' => 9, 'status = ?' => 'failed']
        )->willReturn(0);
        self::assertFalse($store->requeue(9, 1780000000));
    }
}
