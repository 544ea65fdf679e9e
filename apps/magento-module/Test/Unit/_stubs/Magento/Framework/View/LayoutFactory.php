<?php

declare(strict_types=1);

// Test stub of Magento\Framework\View\LayoutFactory: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\View;

if (!class_exists(LayoutFactory::class, false)) {
    class LayoutFactory
    {
        public function create(array $data = [])
        {
            throw new \LogicException('Stub LayoutFactory: mock create() in tests.');
        }
    }
}
