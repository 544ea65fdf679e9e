<?php

declare(strict_types=1);

// Test stub of Magento\Catalog\Model\Product: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Catalog\Model;

if (!class_exists(Product::class, false)) {
    class Product extends \Magento\Framework\Model\AbstractModel
    {
        /**
         * @param array<string, mixed> $data attribute values as stored (option ids for select / multiselect)
         * @param array<string, array<string, string>> $options attribute code => option id => store label
         */
        public function __construct(array $data = [], private array $options = [])
        {
            parent::__construct($data);
        }

        public function getSku()
        {
            return $this->_data['sku'] ?? null;
        }

        public function getAttributeSetId()
        {
            return $this->_data['attribute_set_id'] ?? null;
        }

        public function getCategoryIds()
        {
            return $this->_data['category_ids'] ?? [];
        }

        /**
         * As Magento: the option label(s) of a select / multiselect value (an array for several),
         * false when the attribute has no options (a text attribute) or the value none.
         *
         * @return string|string[]|false
         */
        public function getAttributeText($attributeCode)
        {
            $labels = $this->options[$attributeCode] ?? null;
            $value = $this->_data[$attributeCode] ?? null;
            if ($labels === null || $value === null || $value === '') {
                return false;
            }
            $texts = [];
            foreach (explode(',', (string) $value) as $id) {
                if (isset($labels[$id])) {
                    $texts[] = $labels[$id];
                }
            }
            if ($texts === []) {
                return false;
            }
            return count($texts) === 1 ? $texts[0] : $texts;
        }
    }
}
