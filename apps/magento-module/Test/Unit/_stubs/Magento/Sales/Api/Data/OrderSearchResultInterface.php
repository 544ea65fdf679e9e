<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Api\Data\OrderSearchResultInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Api\Data;

if (!interface_exists(OrderSearchResultInterface::class, false)) {
    interface OrderSearchResultInterface
    {
        public function getItems();
    }
}
