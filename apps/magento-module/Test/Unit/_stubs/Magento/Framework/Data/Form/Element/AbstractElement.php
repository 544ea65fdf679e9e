<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Data\Form\Element\AbstractElement: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Data\Form\Element;

if (!class_exists(AbstractElement::class, false)) {
    class AbstractElement extends \Magento\Framework\DataObject
    {
        public function getHtmlId()
        {
            return $this->_data['html_id'] ?? '';
        }

        public function getElementHtml()
        {
            return '';
        }
    }
}
