<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model\Outbox;

use ExstreamConnect\Connector\Model\Outbox\Backoff;
use PHPUnit\Framework\TestCase;

class BackoffTest extends TestCase
{
    public function testDoublesFromOneMinuteAndCapsAtOneHour(): void
    {
        $backoff = new Backoff();
        $delays = array_map(static fn (int $n): int => $backoff->delaySeconds($n), range(1, 9));
        self::assertSame([60, 120, 240, 480, 960, 1920, 3600, 3600, 3600], $delays);
        self::assertSame(3600, $backoff->delaySeconds(1000));
        self::assertSame(60, $backoff->delaySeconds(0));
    }

    public function testALongerRetryAfterWinsWithinTheCap(): void
    {
        $backoff = new Backoff();
        self::assertSame(600, $backoff->delaySeconds(1, 600));
        self::assertSame(240, $backoff->delaySeconds(3, 30));
        self::assertSame(3600, $backoff->delaySeconds(1, 86400));
    }
}
