<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Integration\Support;

use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Store\Model\Store;
use Magento\Store\Model\StoreManagerInterface;
use Magento\Store\Model\Website;

/**
 * Several store views in several websites, as a multi-store installation has them.
 */
class HarnessStoreManager implements StoreManagerInterface
{
    /** @var array<int, Store> */
    private array $stores = [];

    /**
     * @param array<int, array{id: int, code: string, website_id: int}> $views
     */
    public function __construct(array $views)
    {
        foreach ($views as $view) {
            $this->stores[(int) $view['id']] = new Store([
                'store_id' => (int) $view['id'], 'code' => (string) $view['code'], 'website_id' => (int) $view['website_id'],
            ]);
        }
    }

    public function getStore($storeId = null)
    {
        if (!isset($this->stores[(int) $storeId])) {
            throw new NoSuchEntityException('No store view ' . $storeId);
        }
        return $this->stores[(int) $storeId];
    }

    public function getStores($withDefault = false, $codeKey = false)
    {
        return $this->stores;
    }

    public function getWebsite($websiteId = null)
    {
        return new Website(['website_id' => (int) $websiteId]);
    }

    public function getDefaultStoreView()
    {
        return reset($this->stores);
    }
}
