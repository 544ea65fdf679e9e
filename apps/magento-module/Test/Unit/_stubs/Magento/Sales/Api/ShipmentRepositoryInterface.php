<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Api\ShipmentRepositoryInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Api;

if (!interface_exists(ShipmentRepositoryInterface::class, false)) {
    interface ShipmentRepositoryInterface
    {
        public function get($id);
    }
}
