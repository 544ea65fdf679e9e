<?php

declare(strict_types=1);

// Test stub of Magento\Catalog\Api\CategoryRepositoryInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Catalog\Api;

if (!interface_exists(CategoryRepositoryInterface::class, false)) {
    interface CategoryRepositoryInterface
    {
        public function get($categoryId, $storeId = null);
    }
}
