<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

use Magento\Store\Model\StoreManagerInterface;

/**
 * The sidecar stores this installation talks to: store views grouped by (sidecar URL, store key).
 * Usually one group; a multi-website installation may configure one per website.
 */
class RemoteStores
{
    public function __construct(
        private readonly StoreManagerInterface $storeManager,
        private readonly Config $config
    ) {
    }

    /**
     * @return array<string, array{connection: Connection, storeIds: int[], label: string}>
     *         keyed by Connection::identity()
     */
    public function all(): array
    {
        $groups = [];
        foreach ($this->storeManager->getStores(false) as $store) {
            $storeId = (int) $store->getId();
            $connection = $this->config->getConnection($storeId);
            if ($connection === null) {
                continue;
            }
            $identity = $connection->identity();
            if (!isset($groups[$identity])) {
                $groups[$identity] = [
                    'connection' => $connection,
                    'storeIds' => [],
                    'label' => $connection->getStoreKey() . ' (' . $connection->getBaseUrl() . ')',
                ];
            }
            $groups[$identity]['storeIds'][] = $storeId;
        }
        return $groups;
    }

    /**
     * The group a request asks for by store key, else the first one.
     *
     * @return array{connection: Connection, storeIds: int[], label: string}|null
     */
    public function pick(?string $storeKey): ?array
    {
        $all = $this->all();
        foreach ($all as $group) {
            if ($storeKey !== null && $group['connection']->getStoreKey() === $storeKey) {
                return $group;
            }
        }
        return $all === [] ? null : reset($all);
    }
}
