<?php

declare(strict_types=1);

// Test stub of Magento\Newsletter\Model\SubscriberFactory: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Newsletter\Model;

if (!class_exists(SubscriberFactory::class, false)) {
    class SubscriberFactory
    {
        public function create(array $data = [])
        {
            return new \Magento\Newsletter\Model\Subscriber($data);
        }
    }
}
