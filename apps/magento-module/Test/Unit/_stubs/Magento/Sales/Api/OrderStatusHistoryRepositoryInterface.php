<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Api\OrderStatusHistoryRepositoryInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Api;

if (!interface_exists(OrderStatusHistoryRepositoryInterface::class, false)) {
    interface OrderStatusHistoryRepositoryInterface
    {
        public function save($entity);
    }
}
