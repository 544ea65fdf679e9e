<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Data\Form\FormKey: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Data\Form;

if (!class_exists(FormKey::class, false)) {
    class FormKey
    {
        private $key;

        public function __construct(string $key = 'stub-form-key')
        {
            $this->key = $key;
        }

        public function getFormKey()
        {
            return $this->key;
        }
    }
}
