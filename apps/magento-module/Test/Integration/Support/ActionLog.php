<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Integration\Support;

/**
 * What the feedback harness's Magento doubles were asked to do, in order.
 */
class ActionLog
{
    /** @var array<int, array<string, mixed>> */
    public array $actions = [];

    /**
     * @param array<string, mixed> $detail
     */
    public function record(string $action, array $detail): void
    {
        $this->actions[] = ['action' => $action] + $detail;
    }
}
