<?php

declare(strict_types=1);

// Test stub of Magento\Framework\View\LayoutInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\View;

if (!interface_exists(LayoutInterface::class, false)) {
    interface LayoutInterface
    {
        public function createBlock($type, $name = '', array $arguments = []);
    }
}
