<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Cron;

use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;

/**
 * Daily: deletes sent and failed outbox rows older than the retention period, so the table
 * cannot grow without bound. Pending rows are never deleted.
 */
class Cleanup
{
    public function __construct(
        private readonly OutboxStore $outbox,
        private readonly Config $config,
        private readonly Clock $clock
    ) {
    }

    public function execute(): int
    {
        $cutoff = $this->clock->now() - $this->config->getRetentionDays() * 86400;
        return $this->outbox->deleteFinishedBefore($cutoff);
    }
}
