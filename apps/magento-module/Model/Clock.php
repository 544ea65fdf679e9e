<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

/**
 * Current time as unix seconds; injected so signatures, backoff and windows are testable.
 */
class Clock
{
    public function now(): int
    {
        return time();
    }
}
