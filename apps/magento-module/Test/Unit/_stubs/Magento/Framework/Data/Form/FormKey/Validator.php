<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Data\Form\FormKey\Validator: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Data\Form\FormKey;

if (!class_exists(Validator::class, false)) {
    class Validator
    {
        private $formKey;

        public function __construct(?\Magento\Framework\Data\Form\FormKey $formKey = null)
        {
            $this->formKey = $formKey ?? new \Magento\Framework\Data\Form\FormKey();
        }

        public function validate(\Magento\Framework\App\RequestInterface $request)
        {
            $key = $request->getParam('form_key', null);
            return is_string($key) && $key !== '' && hash_equals($this->formKey->getFormKey(), $key);
        }
    }
}
