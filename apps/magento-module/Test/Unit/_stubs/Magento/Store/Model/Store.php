<?php

declare(strict_types=1);

// Test stub of Magento\Store\Model\Store: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Store\Model;

if (!class_exists(Store::class, false)) {
    class Store extends \Magento\Framework\DataObject
    {
        public function getId()
        {
            return $this->_data['store_id'] ?? $this->_data['id'] ?? null;
        }

        public function getBaseUrl($type = 'link', $secure = null)
        {
            return $this->_data['base_url'] ?? '';
        }
    }
}
