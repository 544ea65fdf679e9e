<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model\Outbox;

/**
 * Delay before the next delivery attempt: 1, 2, 4, 8 ... minutes, capped at one hour. A sidecar
 * Retry-After longer than that wins (within the same cap), so a rate-limited sidecar is honoured.
 */
class Backoff
{
    public const BASE_SECONDS = 60;
    public const MAX_SECONDS = 3600;

    /**
     * @param int $attempts attempts made so far (>= 1)
     */
    public function delaySeconds(int $attempts, ?int $retryAfter = null): int
    {
        $exponent = max(0, min(16, $attempts - 1));
        $delay = min(self::MAX_SECONDS, self::BASE_SECONDS * (2 ** $exponent));
        if ($retryAfter !== null && $retryAfter > $delay) {
            $delay = min(self::MAX_SECONDS, $retryAfter);
        }
        return $delay;
    }
}
