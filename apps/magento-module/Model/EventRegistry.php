<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

/**
 * Per-request memory of the events already recorded. Magento saves an order several times in one
 * request (place, invoice, ship), and each save fires the commit event again with the same
 * orig-data; the registry keeps that to one outbox insert. Shared (one instance per request) via
 * the object manager's default.
 */
class EventRegistry
{
    /** @var array<string, true> */
    private array $seen = [];

    public function has(string $key): bool
    {
        return isset($this->seen[$key]);
    }

    public function add(string $key): void
    {
        $this->seen[$key] = true;
    }

    public function reset(): void
    {
        $this->seen = [];
    }
}
