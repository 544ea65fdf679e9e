<?php

declare(strict_types=1);

// Test stub of Magento\Store\Model\StoreManagerInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Store\Model;

if (!interface_exists(StoreManagerInterface::class, false)) {
    interface StoreManagerInterface
    {
        public function getStore($storeId = null);

        public function getStores($withDefault = false, $codeKey = false);

        public function getWebsite($websiteId = null);

        public function getDefaultStoreView();
    }
}
