<?php

declare(strict_types=1);

// Test stub of Magento\Framework\HTTP\Client\CurlFactory: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\HTTP\Client;

if (!class_exists(CurlFactory::class, false)) {
    class CurlFactory
    {
        public function create(array $data = [])
        {
            return new \Magento\Framework\HTTP\Client\Curl();
        }
    }
}
