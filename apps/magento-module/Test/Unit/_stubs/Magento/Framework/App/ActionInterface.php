<?php

declare(strict_types=1);

// Test stub of Magento\Framework\App\ActionInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\App;

if (!interface_exists(ActionInterface::class, false)) {
    interface ActionInterface
    {
        public function execute();
    }
}
