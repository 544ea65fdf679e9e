<?php

declare(strict_types=1);

// Test stub of Magento\Framework\AuthorizationInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework;

if (!interface_exists(AuthorizationInterface::class, false)) {
    interface AuthorizationInterface
    {
        public function isAllowed($resource, $privilege = null);
    }
}
