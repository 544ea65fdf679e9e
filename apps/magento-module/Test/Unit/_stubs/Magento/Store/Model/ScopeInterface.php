<?php

declare(strict_types=1);

// Test stub of Magento\Store\Model\ScopeInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Store\Model;

if (!interface_exists(ScopeInterface::class, false)) {
    interface ScopeInterface
    {
        public const SCOPE_STORES = 'stores';
        public const SCOPE_WEBSITES = 'websites';
        public const SCOPE_STORE = 'store';
        public const SCOPE_GROUP = 'group';
        public const SCOPE_WEBSITE = 'website';
    }
}
