<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Api\OrderRepositoryInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Api;

if (!interface_exists(OrderRepositoryInterface::class, false)) {
    interface OrderRepositoryInterface
    {
        public function get($id);

        public function getList(\Magento\Framework\Api\SearchCriteria $searchCriteria);
    }
}
