<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Api\CreditmemoRepositoryInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Api;

if (!interface_exists(CreditmemoRepositoryInterface::class, false)) {
    interface CreditmemoRepositoryInterface
    {
        public function get($id);
    }
}
