<?php

declare(strict_types=1);

// Test stub of Magento\Framework\UrlInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework;

if (!interface_exists(UrlInterface::class, false)) {
    interface UrlInterface
    {
        public function getUrl($routePath = null, $routeParams = null);
    }
}
