<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Event\ObserverInterface: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Event;

if (!interface_exists(ObserverInterface::class, false)) {
    interface ObserverInterface
    {
        public function execute(\Magento\Framework\Event\Observer $observer);
    }
}
