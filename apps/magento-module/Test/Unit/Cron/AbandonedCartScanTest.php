<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Cron;

use ExstreamConnect\Connector\Cron\AbandonedCartScan;
use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Test\Unit\Support\RecordingHarness;
use Magento\Framework\DataObject;
use Magento\Quote\Model\ResourceModel\Quote\Collection;
use Magento\Quote\Model\ResourceModel\Quote\CollectionFactory;
use Magento\Store\Model\Store;
use Magento\Store\Model\StoreManagerInterface;
use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;

class AbandonedCartScanTest extends TestCase
{
    private const NOW = 1780000000; // 2026-05-28 20:26:40 UTC

    private RecordingHarness $harness;
    /** @var Collection[] */
    private array $collections = [];

    protected function setUp(): void
    {
        $this->harness = new RecordingHarness($this);
        $this->harness->scope->set('exstream_connect/abandoned_cart/delay_minutes', '60');
        $this->harness->scope->set('exstream_connect/abandoned_cart/lookback_hours', '24');
    }

    /**
     * @param array<int, array<int, DataObject>> $quotesByStore
     */
    private function scan(array $quotesByStore): int
    {
        $factory = $this->createMock(CollectionFactory::class);
        $factory->method('create')->willReturnCallback(function () use (&$quotesByStore): Collection {
            $collection = new Collection(array_shift($quotesByStore) ?? []);
            $this->collections[] = $collection;
            return $collection;
        });
        $stores = $this->createMock(StoreManagerInterface::class);
        $stores->method('getStores')->willReturn([new Store(['store_id' => 1]), new Store(['store_id' => 2])]);
        $clock = $this->createMock(Clock::class);
        $clock->method('now')->willReturn(self::NOW);
        return (new AbandonedCartScan(
            $factory,
            $stores,
            new \ExstreamConnect\Connector\Model\Config($this->harness->scope),
            $this->harness->recorder,
            $clock,
            $this->createMock(LoggerInterface::class)
        ))->execute();
    }

    private function quote(int $id, string $updatedAt, string $email = 'paul@example.com'): DataObject
    {
        return new DataObject(['id' => $id, 'updated_at' => $updatedAt, 'customer_email' => $email]);
    }

    public function testQueriesActiveQuotesWithItemsAndAnEmailInsideTheWindow(): void
    {
        $this->harness->scope->set('exstream_connect/events/cart_abandoned', '0', 2);
        $queued = $this->scan([[$this->quote(905, '2026-05-28 18:00:00')]]);

        self::assertSame(1, $queued);
        self::assertCount(1, $this->collections, 'store 2 has the event off and is not queried');
        $filters = $this->collections[0]->filters;
        self::assertContains(['store_id', 1], $filters);
        self::assertContains(['is_active', 1], $filters);
        self::assertContains(['items_count', ['gt' => 0]], $filters);
        self::assertContains(['customer_email', ['notnull' => true]], $filters);
        self::assertContains(['customer_email', ['neq' => '']], $filters);
        self::assertContains(['updated_at', ['gteq' => '2026-05-27 20:26:40']], $filters, '24 h look-back');
        self::assertContains(['updated_at', ['lteq' => '2026-05-28 19:26:40']], $filters, '60 min delay');

        $row = $this->harness->rows['cart:905:20260528180000'];
        self::assertSame(['cart.abandoned', 'cart', 905, null, 1], [
            $row['event'], $row['entity_type'], $row['entity_id'], $row['order_id'], $row['store_id'],
        ]);
    }

    public function testTheSameAbandonedCartIsQueuedOnceButAChangedCartAgain(): void
    {
        $this->harness->scope->set('exstream_connect/events/cart_abandoned', '0', 2);
        $this->scan([[$this->quote(905, '2026-05-28 18:00:00')]]);
        $this->harness->newRequest();
        $second = $this->scan([[$this->quote(905, '2026-05-28 18:00:00')]]);
        $this->harness->newRequest();
        $third = $this->scan([[$this->quote(905, '2026-05-28 18:40:00')]]);

        self::assertSame(0, $second);
        self::assertSame(1, $third);
        self::assertSame(['cart:905:20260528180000', 'cart:905:20260528184000'], $this->harness->keys());
    }

    public function testQuotesWithoutEmailOrDateAreSkipped(): void
    {
        $this->harness->scope->set('exstream_connect/general/enabled', '0', 2);
        $queued = $this->scan([[$this->quote(1, '2026-05-28 18:00:00', ' '), $this->quote(2, '')]]);
        self::assertSame(0, $queued);
        self::assertSame([], $this->harness->keys());
    }
}
