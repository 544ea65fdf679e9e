<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Connection;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use ExstreamConnect\Connector\Model\Timeline\TimelineProvider;
use ExstreamConnect\Connector\Test\Unit\Support\FakeScopeConfig;
use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;

class TimelineProviderTest extends TestCase
{
    private const LOCAL = [['id' => 3, 'event' => 'order.placed', 'status' => 'failed', 'attempts' => 8]];

    private function provider(SidecarClient $client, ?FakeScopeConfig $scope = null): TimelineProvider
    {
        $outbox = $this->createMock(OutboxStore::class);
        $outbox->method('forOrder')->with(142)->willReturn(self::LOCAL);
        return new TimelineProvider(
            new Config($scope ?? FakeScopeConfig::enabled()),
            $client,
            $outbox,
            $this->createMock(LoggerInterface::class)
        );
    }

    public function testSidecarTimelineWithTheShortAdminTimeoutInOrder(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::once())->method('getTimeline')
            ->with(self::callback(static fn (Connection $c): bool => $c->getTimeout() === 2), '000000142')
            ->willReturn([
                ['id' => 'b', 'createdAt' => '2026-05-27T09:00:00Z'],
                ['id' => 'a', 'createdAt' => '2026-05-26T14:31:00Z'],
            ]);

        $result = $this->provider($client)->forOrder(142, '000000142', 1);

        self::assertSame('sidecar', $result['source']);
        self::assertSame(['a', 'b'], array_column($result['items'], 'id'));
        self::assertSame(self::LOCAL, $result['local'], 'local rows are shown too (failed deliveries stay visible)');
    }

    public function testUnreachableSidecarFallsBackToTheOutbox(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->method('getTimeline')->willThrowException(new SidecarException('Sidecar unreachable: timeout', 0));

        $result = $this->provider($client)->forOrder(142, '000000142', 1);

        self::assertSame('local', $result['source']);
        self::assertSame([], $result['items']);
        self::assertSame(self::LOCAL, $result['local']);
        self::assertStringContainsString('did not answer', $result['error']);
    }

    public function testRejectedRequestFallsBackWithTheStatus(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->method('getTimeline')->willThrowException(new SidecarException('no', 401));
        $result = $this->provider($client)->forOrder(142, '000000142', 1);
        self::assertStringContainsString('HTTP 401', $result['error']);
    }

    public function testDisabledStoreNeverCallsTheSidecar(): void
    {
        $scope = FakeScopeConfig::enabled();
        $scope->set('exstream_connect/general/enabled', '0', 5);
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::never())->method('getTimeline');
        $result = $this->provider($client, $scope)->forOrder(142, '000000142', 5);
        self::assertSame('disabled', $result['source']);
        self::assertSame(self::LOCAL, $result['local']);
    }
}
