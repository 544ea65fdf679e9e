<?php

declare(strict_types=1);

// Test stub of Magento\Catalog\Api\ProductRepositoryInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Catalog\Api;

if (!interface_exists(ProductRepositoryInterface::class, false)) {
    interface ProductRepositoryInterface
    {
        public function get($sku, $editMode = false, $storeId = null, $forceReload = false);

        public function getById($productId, $editMode = false, $storeId = null, $forceReload = false);
    }
}
