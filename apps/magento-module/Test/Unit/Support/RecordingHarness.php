<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Support;

use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\EventRecorder;
use ExstreamConnect\Connector\Model\EventRegistry;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use Magento\Framework\Event;
use Magento\Framework\Event\Observer;
use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;

/**
 * A real EventRecorder and registry over an in-memory outbox with a unique key, like the table.
 */
class RecordingHarness
{
    /** @var array<string, array<string, mixed>> idempotency_key => row */
    public array $rows = [];
    public int $insertCalls = 0;
    public ?\Throwable $failWith = null;
    public EventRegistry $registry;
    public FakeScopeConfig $scope;
    public EventRecorder $recorder;
    /** @var OutboxStore&\PHPUnit\Framework\MockObject\MockObject */
    private $outbox;
    /** @var Clock&\PHPUnit\Framework\MockObject\MockObject */
    private $clock;
    /** @var LoggerInterface&\PHPUnit\Framework\MockObject\MockObject */
    public $logger;

    public function __construct(TestCase $test, ?FakeScopeConfig $scope = null)
    {
        $this->scope = $scope ?? FakeScopeConfig::enabled();
        $this->registry = new EventRegistry();
        $this->outbox = $outbox = (new \PHPUnit\Framework\MockObject\Generator())->getMock(OutboxStore::class, [], [], '', false);
        $outbox->method('add')->willReturnCallback(function (array $row, int $now): bool {
            $this->insertCalls++;
            if ($this->failWith !== null) {
                throw $this->failWith;
            }
            if (isset($this->rows[$row['idempotency_key']])) {
                return false;
            }
            $this->rows[$row['idempotency_key']] = $row + ['now' => $now];
            return true;
        });
        $this->clock = $clock = (new \PHPUnit\Framework\MockObject\Generator())->getMock(Clock::class, [], [], '', false);
        $clock->method('now')->willReturn(1780000000);
        $this->logger = (new \PHPUnit\Framework\MockObject\Generator())->getMock(LoggerInterface::class);
        // Registered so expectations set on them are verified when the test ends.
        $test->registerMockObject($outbox);
        $test->registerMockObject($clock);
        $test->registerMockObject($this->logger);
        $this->recorder = new EventRecorder(new Config($this->scope), $outbox, $this->registry, $clock, $this->logger);
    }

    /** A new request: the registry is per request, the table is not. */
    public function newRequest(): void
    {
        $this->registry = new EventRegistry();
        $this->recorder = new EventRecorder(
            new Config($this->scope),
            $this->outbox,
            $this->registry,
            $this->clock,
            $this->logger
        );
    }

    /** @return string[] */
    public function keys(): array
    {
        return array_keys($this->rows);
    }

    /**
     * @param array<string, mixed> $data
     */
    public static function observer(array $data): Observer
    {
        return new Observer(['event' => new Event($data)]);
    }
}
