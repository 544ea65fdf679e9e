<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Cron;

use ExstreamConnect\Connector\Cron\Dispatch;
use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Outbox\Backoff;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use ExstreamConnect\Connector\Model\PayloadBuilder;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use ExstreamConnect\Connector\Model\SidecarResponse;
use ExstreamConnect\Connector\Test\Unit\Support\FakeScopeConfig;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Framework\Lock\LockManagerInterface;
use PHPUnit\Framework\MockObject\MockObject;
use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;

class DispatchTest extends TestCase
{
    private const NOW = 1780000000;

    /** @var OutboxStore&MockObject */
    private $outbox;
    /** @var PayloadBuilder&MockObject */
    private $builder;
    /** @var SidecarClient&MockObject */
    private $client;
    /** @var LockManagerInterface&MockObject */
    private $lock;
    private FakeScopeConfig $scope;
    /** @var array<int, array<int, mixed>> */
    private array $calls = [];

    protected function setUp(): void
    {
        $this->outbox = $this->createMock(OutboxStore::class);
        foreach (['markSent', 'markRetry', 'markFailed', 'savePayload'] as $method) {
            $this->outbox->method($method)->willReturnCallback(function (...$args) use ($method): void {
                $this->calls[] = array_merge([$method], $args);
            });
        }
        $this->builder = $this->createMock(PayloadBuilder::class);
        $this->client = $this->createMock(SidecarClient::class);
        $this->lock = $this->createMock(LockManagerInterface::class);
        $this->scope = FakeScopeConfig::enabled();
        $this->scope->set('exstream_connect/advanced/max_attempts', '3');
        $this->scope->set('exstream_connect/advanced/batch_size', '25');
    }

    private function dispatch(): Dispatch
    {
        $clock = $this->createMock(Clock::class);
        $clock->method('now')->willReturn(self::NOW);
        return new Dispatch(
            $this->outbox,
            $this->builder,
            $this->client,
            new Config($this->scope),
            new Backoff(),
            $this->lock,
            $clock,
            $this->createMock(LoggerInterface::class)
        );
    }

    /** @return array<string, mixed> */
    private function row(array $overrides = []): array
    {
        return $overrides + [
            'id' => 7, 'idempotency_key' => 'order:142:placed', 'event' => 'order.placed', 'entity_type' => 'order',
            'entity_id' => 142, 'order_id' => 142, 'store_id' => 1, 'payload' => null, 'attempts' => 0,
            'created_at' => '2026-05-26 14:30:01',
        ];
    }

    private function locked(bool $acquired = true): void
    {
        $this->lock->method('lock')->with(Dispatch::LOCK_NAME, 0)->willReturn($acquired);
    }

    public function testSkipsTheRunWhenAnotherHoldsTheLock(): void
    {
        $this->locked(false);
        $this->outbox->expects(self::never())->method('claimDue');
        $this->lock->expects(self::never())->method('unlock');

        self::assertTrue($this->dispatch()->execute()['skipped']);
    }

    public function testBuildsLateStoresThePayloadPostsAndMarksSent(): void
    {
        $this->locked();
        $this->outbox->expects(self::once())->method('releaseStale')->with(self::NOW - Dispatch::STALE_AFTER_SECONDS, self::NOW);
        $this->outbox->expects(self::once())->method('claimDue')->with(25, self::NOW)->willReturn([$this->row()]);
        $this->builder->expects(self::once())->method('build')->willReturn(
            ['id' => 'order:142:placed', 'event' => 'order.placed', 'entity' => ['grand_total' => 10.0]]
        );
        $posted = null;
        $this->client->expects(self::once())->method('postEvent')->willReturnCallback(
            function ($connection, string $raw) use (&$posted): SidecarResponse {
                $posted = [$connection->getStoreKey(), $raw];
                return new SidecarResponse(202, '{}');
            }
        );
        $this->lock->expects(self::once())->method('unlock')->with(Dispatch::LOCK_NAME);

        $summary = $this->dispatch()->execute();

        $expectedRaw = '{"id":"order:142:placed","event":"order.placed","entity":{"grand_total":10.0}}';
        self::assertSame(['demo-magento', $expectedRaw], $posted);
        self::assertSame([['savePayload', 7, $expectedRaw], ['markSent', 7, 1, self::NOW]], $this->calls);
        self::assertSame(1, $summary['sent']);
    }

    public function testARetrySendsTheStoredPayloadWithoutRebuilding(): void
    {
        $this->locked();
        $this->outbox->method('claimDue')->willReturn([$this->row(['payload' => '{"stored":true}', 'attempts' => 1])]);
        $this->builder->expects(self::never())->method('build');
        $this->client->expects(self::once())->method('postEvent')
            ->with(self::anything(), '{"stored":true}')->willReturn(new SidecarResponse(200, '{}'));

        $this->dispatch()->execute();
        self::assertSame([['markSent', 7, 2, self::NOW]], $this->calls);
    }

    public function testUnreachableSidecarBacksOff(): void
    {
        $this->locked();
        $this->outbox->method('claimDue')->willReturn([$this->row(['payload' => '{}', 'attempts' => 1])]);
        $this->client->method('postEvent')->willThrowException(new SidecarException('Sidecar unreachable: timeout', 0));

        $summary = $this->dispatch()->execute();

        // second attempt => 2 minutes
        self::assertSame([['markRetry', 7, 2, self::NOW + 120, 'Sidecar unreachable: timeout', self::NOW]], $this->calls);
        self::assertSame(1, $summary['retried']);
    }

    public function testRetryAfterFromTheSidecarIsHonoured(): void
    {
        $this->locked();
        $this->outbox->method('claimDue')->willReturn([$this->row(['payload' => '{}'])]);
        $this->client->method('postEvent')->willThrowException(new SidecarException('busy', 503, null, [], 900));

        $this->dispatch()->execute();
        self::assertSame(self::NOW + 900, $this->calls[0][3]);
    }

    public function testGivesUpAfterMaxAttempts(): void
    {
        $this->locked();
        $this->outbox->method('claimDue')->willReturn([$this->row(['payload' => '{}', 'attempts' => 2])]);
        $this->client->method('postEvent')->willThrowException(new SidecarException('Sidecar answered HTTP 500', 500));

        $summary = $this->dispatch()->execute();

        self::assertSame([['markFailed', 7, 3, 'Sidecar answered HTTP 500', self::NOW]], $this->calls);
        self::assertSame(1, $summary['failed']);
    }

    public function testValidationErrorFailsAtOnceWithTheFieldErrors(): void
    {
        $this->locked();
        $this->outbox->method('claimDue')->willReturn([$this->row(['payload' => '{}'])]);
        $this->client->method('postEvent')->willThrowException(new SidecarException(
            'Sidecar answered HTTP 400: Invalid',
            400,
            'VALIDATION_FAILED',
            [['path' => 'entity.items', 'message' => 'Required']]
        ));

        $this->dispatch()->execute();

        self::assertSame('markFailed', $this->calls[0][0]);
        self::assertSame(1, $this->calls[0][2]);
        self::assertStringContainsString('entity.items: Required', $this->calls[0][3]);
    }

    public function testDeletedEntityFailsWithoutPosting(): void
    {
        $this->locked();
        $this->outbox->method('claimDue')->willReturn([$this->row()]);
        $this->builder->method('build')->willThrowException(new NoSuchEntityException('No such entity with entityId = 142'));
        $this->client->expects(self::never())->method('postEvent');

        $this->dispatch()->execute();
        self::assertSame('markFailed', $this->calls[0][0]);
        self::assertStringContainsString('no longer exists', $this->calls[0][3]);
    }

    public function testRowOfADisabledStoreIsRetriedThenFails(): void
    {
        $this->locked();
        $this->scope->set('exstream_connect/general/enabled', '0', 9);
        $this->outbox->method('claimDue')->willReturn([$this->row(['store_id' => 9, 'attempts' => 0])]);
        $this->client->expects(self::never())->method('postEvent');

        $this->dispatch()->execute();
        self::assertSame('markRetry', $this->calls[0][0]);
        self::assertStringContainsString('store 9', $this->calls[0][4]);
    }

    public function testOneBadRowDoesNotStopTheBatch(): void
    {
        $this->locked();
        $this->outbox->method('claimDue')->willReturn([
            $this->row(['id' => 1, 'payload' => '{"a":1}']),
            $this->row(['id' => 2, 'payload' => '{"b":2}']),
        ]);
        $this->client->method('postEvent')->willReturnCallback(function ($c, string $raw): SidecarResponse {
            if ($raw === '{"a":1}') {
                throw new \TypeError('unexpected');
            }
            return new SidecarResponse(202, '{}');
        });

        $summary = $this->dispatch()->execute();
        self::assertSame(1, $summary['retried']);
        self::assertSame(1, $summary['sent']);
    }

    public function testTheLockIsReleasedEvenWhenClaimingFails(): void
    {
        $this->locked();
        $this->outbox->method('claimDue')->willThrowException(new \RuntimeException('db gone'));
        $this->lock->expects(self::once())->method('unlock');

        $this->expectException(\RuntimeException::class);
        $this->dispatch()->execute();
    }
}
