<?php

declare(strict_types=1);

// Test stub of Magento\Eav\Model\Entity\Attribute\Set: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Eav\Model\Entity\Attribute;

if (!class_exists(Set::class, false)) {
    class Set extends \Magento\Framework\Model\AbstractModel
    {
        public function getAttributeSetName()
        {
            return $this->_data['attribute_set_name'] ?? null;
        }
    }
}
