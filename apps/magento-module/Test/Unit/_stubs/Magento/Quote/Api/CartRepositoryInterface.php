<?php

declare(strict_types=1);

// Test stub of Magento\Quote\Api\CartRepositoryInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Quote\Api;

if (!interface_exists(CartRepositoryInterface::class, false)) {
    interface CartRepositoryInterface
    {
        public function get($cartId);
    }
}
