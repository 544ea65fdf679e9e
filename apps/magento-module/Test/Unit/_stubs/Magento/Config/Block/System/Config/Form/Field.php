<?php

declare(strict_types=1);

// Test stub of Magento\Config\Block\System\Config\Form\Field: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Config\Block\System\Config\Form;

if (!class_exists(Field::class, false)) {
    class Field extends \Magento\Backend\Block\Template
    {
        public function render(\Magento\Framework\Data\Form\Element\AbstractElement $element)
        {
            return '<tr id="row_' . $element->getHtmlId() . '"><td class="label">' . $this->escapeHtml($element->getLabel())
                . '</td><td class="value">' . $this->_getElementHtml($element) . '</td></tr>';
        }

        protected function _getElementHtml(\Magento\Framework\Data\Form\Element\AbstractElement $element)
        {
            return $element->getElementHtml();
        }
    }
}
