<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Observer;

use ExstreamConnect\Connector\Observer\OrderCancelAfter;
use ExstreamConnect\Connector\Observer\OrderSaveCommitAfter;
use ExstreamConnect\Connector\Test\Unit\Support\RecordingHarness;
use Magento\Framework\DataObject;
use Magento\Sales\Model\Order;
use PHPUnit\Framework\TestCase;

class OrderObserversTest extends TestCase
{
    private RecordingHarness $harness;

    protected function setUp(): void
    {
        $this->harness = new RecordingHarness($this);
    }

    private function newOrder(array $data = []): Order
    {
        return new Order($data + ['entity_id' => 142, 'increment_id' => '000000142', 'store_id' => 2, 'state' => 'new']);
    }

    private function loadedOrder(array $orig, array $now): Order
    {
        $order = new Order($orig + ['entity_id' => 142, 'store_id' => 2]);
        $order->setOrigData();
        $order->addData($now);
        return $order;
    }

    private function commit(Order $order): void
    {
        (new OrderSaveCommitAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['order' => $order]));
    }

    public function testNewOrderIsRecordedOnceWithItsStoreAndNoHttp(): void
    {
        $this->commit($this->newOrder());

        self::assertSame(['order:142:placed'], $this->harness->keys());
        $row = $this->harness->rows['order:142:placed'];
        self::assertSame('order.placed', $row['event']);
        self::assertSame('order', $row['entity_type']);
        self::assertSame(142, $row['entity_id']);
        self::assertSame(142, $row['order_id']);
        self::assertSame(2, $row['store_id']);
    }

    public function testRepeatedSavesInOneRequestInsertOnce(): void
    {
        $order = $this->newOrder();
        // GIVEN checkout saves the same new order three times in one request
        $this->commit($order);
        $order->setData('state', 'processing');
        $this->commit($order);
        $this->commit($order);

        // THEN the registry stops the later inserts before they reach the database
        self::assertSame(1, $this->harness->insertCalls);
        self::assertSame(['order:142:placed'], $this->harness->keys());
    }

    public function testTheUniqueKeyDedupesAcrossRequests(): void
    {
        $this->commit($this->newOrder());
        $this->harness->newRequest();
        $this->commit($this->newOrder());

        self::assertSame(2, $this->harness->insertCalls);
        self::assertCount(1, $this->harness->rows);
    }

    public function testLoadedOrderWithoutStateChangeRecordsNothing(): void
    {
        $this->commit($this->loadedOrder(['state' => 'processing'], ['state' => 'processing', 'customer_note' => 'x']));
        self::assertSame([], $this->harness->keys());
        self::assertSame(0, $this->harness->insertCalls);
    }

    public function testCancellationIsDetectedFromTheStateDiff(): void
    {
        $this->commit($this->loadedOrder(['state' => 'processing'], ['state' => Order::STATE_CANCELED]));
        self::assertSame(['order:142:cancelled'], $this->harness->keys());

        // an already cancelled order saved again is not a second cancellation
        $this->harness->newRequest();
        $this->commit($this->loadedOrder(['state' => Order::STATE_CANCELED], ['state' => Order::STATE_CANCELED]));
        self::assertCount(1, $this->harness->rows);
    }

    public function testCancelEventAndCommitDiffShareOneKey(): void
    {
        $order = $this->loadedOrder(['state' => 'processing'], ['state' => Order::STATE_CANCELED]);
        (new OrderCancelAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['order' => $order]));
        $this->commit($order);

        self::assertSame(['order:142:cancelled'], $this->harness->keys());
        self::assertSame(1, $this->harness->insertCalls);
    }

    public function testCancelEventWithoutCancelledStateIsIgnored(): void
    {
        $order = $this->loadedOrder(['state' => 'complete'], ['state' => 'complete']);
        (new OrderCancelAfter($this->harness->recorder, $this->harness->logger))
            ->execute(RecordingHarness::observer(['order' => $order]));
        self::assertSame([], $this->harness->keys());
    }

    public function testHoldBecomesADelayAndEachHoldIsDistinct(): void
    {
        $this->commit($this->loadedOrder(
            ['state' => 'processing', 'updated_at' => '2026-05-26 10:00:00'],
            ['state' => Order::STATE_HOLDED]
        ));
        $this->harness->newRequest();
        $this->commit($this->loadedOrder(
            ['state' => 'processing', 'updated_at' => '2026-05-28 08:00:00'],
            ['state' => Order::STATE_HOLDED]
        ));

        self::assertCount(2, $this->harness->rows);
        foreach ($this->harness->rows as $row) {
            self::assertSame('order.delayed', $row['event']);
        }
    }

    public function testBackorderedItemsOnANewOrderAddABackorderEvent(): void
    {
        $order = $this->newOrder(['all_items' => [
            new DataObject(['sku' => 'A', 'qty_backordered' => 0]),
            new DataObject(['sku' => 'B', 'qty_backordered' => 2]),
        ]]);
        $this->commit($order);
        self::assertSame(['order:142:placed', 'order:142:backordered'], $this->harness->keys());
    }

    public function testDisabledEventOrStoreRecordsNothing(): void
    {
        $this->harness->scope->set('exstream_connect/events/order_placed', '0', 2);
        $this->commit($this->newOrder());
        $this->harness->scope->set('exstream_connect/general/enabled', '0', 5);
        $this->commit($this->newOrder(['entity_id' => 143, 'store_id' => 5]));

        self::assertSame([], $this->harness->keys());
    }

    public function testAFailingInsertNeverThrowsIntoTheSave(): void
    {
        $this->harness->failWith = new \RuntimeException('Deadlock found when trying to get lock');
        $this->harness->logger->expects(self::once())->method('error')
            ->with(self::stringContains('observer failed'), self::callback(
                static fn (array $context): bool => str_contains($context['exception'], 'Deadlock')
            ));

        $this->commit($this->newOrder());

        self::assertSame(1, $this->harness->insertCalls);
    }

    public function testUnexpectedPayloadsAreIgnored(): void
    {
        $observer = new OrderSaveCommitAfter($this->harness->recorder, $this->harness->logger);
        $this->harness->logger->expects(self::never())->method('error');
        $observer->execute(RecordingHarness::observer(['order' => null]));
        $observer->execute(RecordingHarness::observer(['order' => new DataObject(['entity_id' => 1])]));
        $observer->execute(RecordingHarness::observer(['order' => new Order([])]));
        self::assertSame(0, $this->harness->insertCalls);
    }
}
