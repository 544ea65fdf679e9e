<?php

declare(strict_types=1);

// Test stub of Magento\Eav\Api\AttributeSetRepositoryInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Eav\Api;

if (!interface_exists(AttributeSetRepositoryInterface::class, false)) {
    interface AttributeSetRepositoryInterface
    {
        public function get($attributeSetId);
    }
}
