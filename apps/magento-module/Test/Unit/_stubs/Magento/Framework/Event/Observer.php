<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Event\Observer: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Event;

if (!class_exists(Observer::class, false)) {
    class Observer extends \Magento\Framework\DataObject
    {
        public function getEvent()
        {
            return $this->getData('event');
        }
    }
}
