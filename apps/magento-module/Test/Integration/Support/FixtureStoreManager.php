<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Integration\Support;

use Magento\Store\Model\Store;
use Magento\Store\Model\StoreManagerInterface;
use Magento\Store\Model\Website;

/**
 * One store view described by an envelope's store block.
 */
class FixtureStoreManager implements StoreManagerInterface
{
    private Store $store;
    private Website $website;

    /**
     * @param array<string, mixed> $block { code, website, locale, currency, base_url, brand? }
     */
    public function __construct(array $block)
    {
        $this->store = new Store([
            'store_id' => 1, 'code' => $block['code'], 'website_id' => 1,
            'base_currency_code' => $block['currency'], 'base_url' => $block['base_url'],
        ]);
        $this->website = new Website(['website_id' => 1, 'code' => $block['website'], 'default_store' => $this->store]);
    }

    public function getStore($storeId = null)
    {
        return $this->store;
    }

    public function getStores($withDefault = false, $codeKey = false)
    {
        return [1 => $this->store];
    }

    public function getWebsite($websiteId = null)
    {
        return $this->website;
    }

    public function getDefaultStoreView()
    {
        return $this->store;
    }
}
