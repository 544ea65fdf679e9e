<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Block\Adminhtml\System\Config;

use Magento\Config\Block\System\Config\Form\Field;
use Magento\Framework\Data\Form\Element\AbstractElement;

/**
 * Template rules live in the sidecar (shared with every channel of the store); this field links
 * to the admin page that edits them through the sidecar's settings API.
 */
class SettingsLink extends Field
{
    public function render(AbstractElement $element)
    {
        $element->unsScope()->unsCanUseWebsiteValue()->unsCanUseDefaultValue();
        return parent::render($element);
    }

    // phpcs:ignore PSR2.Methods.MethodDeclaration.Underscore -- overrides Magento's method
    protected function _getElementHtml(AbstractElement $element)
    {
        $url = $this->getUrl('exstreamconnect/settings/index');
        return '<a href="' . $this->escapeUrl($url) . '">'
            . $this->escapeHtml(__('Manage template rules, defaults and the Exstream connection'))
            . '</a>';
    }
}
