<?php

declare(strict_types=1);

// Test stub of Magento\Framework\App\Config\ScopeConfigInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\App\Config;

if (!interface_exists(ScopeConfigInterface::class, false)) {
    interface ScopeConfigInterface
    {
        public const SCOPE_TYPE_DEFAULT = 'default';

        public function getValue($path, $scopeType = self::SCOPE_TYPE_DEFAULT, $scopeCode = null);

        public function isSetFlag($path, $scopeType = self::SCOPE_TYPE_DEFAULT, $scopeCode = null);
    }
}
