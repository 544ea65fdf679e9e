<?php

declare(strict_types=1);

// Test stub of Magento\Store\Model\Website: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Store\Model;

if (!class_exists(Website::class, false)) {
    class Website extends \Magento\Framework\DataObject
    {
        public function getId()
        {
            return $this->_data['website_id'] ?? $this->_data['id'] ?? null;
        }
    }
}
