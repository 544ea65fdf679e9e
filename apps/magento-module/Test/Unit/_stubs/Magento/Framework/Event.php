<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Event: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework;

if (!class_exists(Event::class, false)) {
    class Event extends \Magento\Framework\DataObject
    {

    }
}
