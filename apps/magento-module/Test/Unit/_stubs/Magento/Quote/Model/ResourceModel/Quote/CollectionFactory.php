<?php

declare(strict_types=1);

// Test stub of Magento\Quote\Model\ResourceModel\Quote\CollectionFactory: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Quote\Model\ResourceModel\Quote;

if (!class_exists(CollectionFactory::class, false)) {
    class CollectionFactory
    {
        public function create(array $data = [])
        {
            return new \Magento\Quote\Model\ResourceModel\Quote\Collection();
        }
    }
}
