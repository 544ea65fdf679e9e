<?php

declare(strict_types=1);

// Test stub of Magento\Catalog\Model\Category: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Catalog\Model;

if (!class_exists(Category::class, false)) {
    class Category extends \Magento\Framework\Model\AbstractModel
    {
        public function getName()
        {
            return $this->_data['name'] ?? null;
        }

        public function getLevel()
        {
            return $this->_data['level'] ?? null;
        }

        public function getPath()
        {
            return $this->_data['path'] ?? null;
        }
    }
}
