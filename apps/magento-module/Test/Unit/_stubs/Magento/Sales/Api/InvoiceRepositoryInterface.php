<?php

declare(strict_types=1);

// Test stub of Magento\Sales\Api\InvoiceRepositoryInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Sales\Api;

if (!interface_exists(InvoiceRepositoryInterface::class, false)) {
    interface InvoiceRepositoryInterface
    {
        public function get($id);
    }
}
