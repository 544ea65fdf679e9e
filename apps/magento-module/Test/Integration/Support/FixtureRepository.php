<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Integration\Support;

use Magento\Framework\DataObject;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Quote\Api\CartRepositoryInterface;
use Magento\Sales\Api\CreditmemoRepositoryInterface;
use Magento\Sales\Api\InvoiceRepositoryInterface;
use Magento\Sales\Api\OrderRepositoryInterface;
use Magento\Sales\Api\ShipmentRepositoryInterface;

/**
 * Every sales repository at once, answering from fixture JSON. The (stub) ServiceOutputProcessor
 * flattens the returned DataObject back to exactly that JSON, as the real one would produce the
 * REST shape from a loaded entity.
 */
class FixtureRepository implements
    OrderRepositoryInterface,
    InvoiceRepositoryInterface,
    ShipmentRepositoryInterface,
    CreditmemoRepositoryInterface,
    CartRepositoryInterface
{
    /** @var array<string, array<string, mixed>> id => entity JSON */
    private array $entities = [];

    /**
     * @param array<string, mixed> $json
     */
    public function put(array $json): void
    {
        $this->entities[(string) ($json['entity_id'] ?? $json['id'])] = $json;
    }

    public function get($id)
    {
        if (!isset($this->entities[(string) $id])) {
            throw new NoSuchEntityException('No fixture entity ' . $id);
        }
        return new DataObject($this->entities[(string) $id]);
    }

    public function getList(\Magento\Framework\Api\SearchCriteria $searchCriteria)
    {
        throw new \LogicException('not used by the lifecycle script');
    }
}
