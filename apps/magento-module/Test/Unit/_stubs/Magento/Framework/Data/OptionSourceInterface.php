<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Data\OptionSourceInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Data;

if (!interface_exists(OptionSourceInterface::class, false)) {
    interface OptionSourceInterface
    {
        public function toOptionArray();
    }
}
