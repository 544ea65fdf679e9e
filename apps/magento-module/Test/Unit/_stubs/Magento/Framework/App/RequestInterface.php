<?php

declare(strict_types=1);

// Test stub of Magento\Framework\App\RequestInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\App;

if (!interface_exists(RequestInterface::class, false)) {
    interface RequestInterface
    {
        public function getParam($key, $defaultValue = null);

        public function getParams();
    }
}
