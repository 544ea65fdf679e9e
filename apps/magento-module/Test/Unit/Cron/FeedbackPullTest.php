<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Cron;

use ExstreamConnect\Connector\Cron\FeedbackPull;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Connection;
use ExstreamConnect\Connector\Model\Feedback\FeedbackApplier;
use ExstreamConnect\Connector\Model\RemoteStores;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use ExstreamConnect\Connector\Test\Unit\Support\FakeScopeConfig;
use Magento\Framework\FlagManager;
use Magento\Store\Model\Store;
use Magento\Store\Model\StoreManagerInterface;
use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;

class FeedbackPullTest extends TestCase
{
    private FakeScopeConfig $scope;
    private FlagManager $flags;

    protected function setUp(): void
    {
        $this->scope = FakeScopeConfig::enabled();
        $this->flags = new FlagManager();
    }

    private function remoteStores(): RemoteStores
    {
        $stores = $this->createMock(StoreManagerInterface::class);
        $stores->method('getStores')->willReturn([
            new Store(['store_id' => 1]), new Store(['store_id' => 2]), new Store(['store_id' => 3]),
        ]);
        return new RemoteStores($stores, new Config($this->scope));
    }

    private function pull(SidecarClient $client, FeedbackApplier $applier, ?LoggerInterface $logger = null): int
    {
        return (new FeedbackPull(
            $this->remoteStores(),
            $client,
            $applier,
            $this->flags,
            $logger ?? $this->createMock(LoggerInterface::class)
        ))->execute();
    }

    public function testPagesFromTheStoredCursorAndSavesTheNextOne(): void
    {
        $connection = (new Config($this->scope))->getConnection(1);
        $this->flags->saveFlag(FeedbackPull::flagCode($connection), 'c10');
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::exactly(3))->method('getFeedback')
            ->withConsecutive([self::anything(), 'c10'], [self::anything(), 'c12'], [self::anything(), 'c13'])
            ->willReturnOnConsecutiveCalls(
                [
                    'items' => [['type' => 'communication_status', 'cursor' => 'c11'], ['type' => 'x', 'cursor' => 'c12']],
                    'nextCursor' => 'c12',
                ],
                ['items' => [['type' => 'consent_changed', 'cursor' => 'c13']], 'nextCursor' => 'c13'],
                ['items' => [], 'nextCursor' => 'c13']
            );
        $applier = $this->createMock(FeedbackApplier::class);
        $applier->expects(self::exactly(3))->method('apply')
            ->with(self::anything(), [1, 2, 3])
            ->willReturnOnConsecutiveCalls(true, false, true);

        self::assertSame(2, $this->pull($client, $applier));
        self::assertSame('c13', $this->flags->getFlagData(FeedbackPull::flagCode($connection)));
    }

    public function testEachSidecarStoreHasItsOwnCursorAndStoreViews(): void
    {
        $this->scope->set('exstream_connect/general/store_key', 'eu-store', 3);
        $seen = [];
        $client = $this->createMock(SidecarClient::class);
        $client->method('getFeedback')->willReturnCallback(function (Connection $c, ?string $cursor) use (&$seen): array {
            $seen[] = [$c->getStoreKey(), $cursor];
            return ['items' => [['type' => 'communication_status']], 'nextCursor' => $c->getStoreKey() . '-1'];
        });
        $storeIds = [];
        $applier = $this->createMock(FeedbackApplier::class);
        $applier->method('apply')->willReturnCallback(function (array $item, array $ids) use (&$storeIds): bool {
            $storeIds[] = $ids;
            return true;
        });

        $this->pull($client, $applier);

        self::assertContains(['demo-magento', null], $seen);
        self::assertContains(['eu-store', null], $seen);
        self::assertContains([1, 2], $storeIds);
        self::assertContains([3], $storeIds);
        $config = new Config($this->scope);
        self::assertSame('eu-store-1', $this->flags->getFlagData(FeedbackPull::flagCode($config->getConnection(3))));
        self::assertSame('demo-magento-1', $this->flags->getFlagData(FeedbackPull::flagCode($config->getConnection(1))));
    }

    public function testPagingIsBounded(): void
    {
        $page = 0;
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::exactly(FeedbackPull::MAX_PAGES))->method('getFeedback')
            ->willReturnCallback(function () use (&$page): array {
                $page++;
                return ['items' => [['type' => 'communication_status']], 'nextCursor' => 'p' . $page];
            });
        $this->pull($client, $this->createMock(FeedbackApplier::class));
    }

    public function testABadItemIsLoggedAndTheCursorStillMoves(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->method('getFeedback')->willReturnOnConsecutiveCalls(
            ['items' => [['type' => 'communication_status', 'cursor' => 'a']], 'nextCursor' => 'a'],
            ['items' => [], 'nextCursor' => 'a']
        );
        $applier = $this->createMock(FeedbackApplier::class);
        $applier->method('apply')->willThrowException(new \RuntimeException('order locked'));
        $logger = $this->createMock(LoggerInterface::class);
        $logger->expects(self::once())->method('error');

        $this->pull($client, $applier, $logger);
        self::assertSame('a', $this->flags->getFlagData(FeedbackPull::flagCode((new Config($this->scope))->getConnection(1))));
    }

    public function testAnUnreachableSidecarKeepsTheCursor(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->method('getFeedback')->willThrowException(new SidecarException('Sidecar unreachable', 0));
        $logger = $this->createMock(LoggerInterface::class);
        $logger->expects(self::once())->method('warning');

        self::assertSame(0, $this->pull($client, $this->createMock(FeedbackApplier::class), $logger));
        self::assertNull($this->flags->getFlagData(FeedbackPull::flagCode((new Config($this->scope))->getConnection(1))));
    }
}
