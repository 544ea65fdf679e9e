<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Model\AbstractModel: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Model;

if (!class_exists(AbstractModel::class, false)) {
    class AbstractModel extends \Magento\Framework\DataObject
    {
        /** @var array<string, mixed>|null */
        protected $_origData = null;

        public function getId()
        {
            return $this->_data['entity_id'] ?? $this->_data['id'] ?? null;
        }

        public function setId($value)
        {
            $this->_data['entity_id'] = $value;
            return $this;
        }

        public function getOrigData($key = null)
        {
            if ($key === null) {
                return $this->_origData;
            }
            return $this->_origData[$key] ?? null;
        }

        public function setOrigData($key = null, $data = null)
        {
            if ($key === null) {
                $this->_origData = $this->_data;
            } else {
                $this->_origData[$key] = $data;
            }
            return $this;
        }
    }
}
