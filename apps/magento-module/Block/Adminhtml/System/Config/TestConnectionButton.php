<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Block\Adminhtml\System\Config;

use Magento\Config\Block\System\Config\Form\Field;
use Magento\Framework\Data\Form\Element\AbstractElement;

/**
 * "Test connection" button. The click POSTs to exstreamconnect/connection/test for the scope being
 * edited; that controller calls the sidecar's POST /v1/settings/test with the saved settings.
 */
class TestConnectionButton extends Field
{
    /** @var string */
    // phpcs:ignore PSR2.Classes.PropertyDeclaration.Underscore -- Magento's property name
    protected $_template = 'ExstreamConnect_Connector::system/config/test_connection.phtml';

    public function render(AbstractElement $element)
    {
        // A button has no value, so the "Use Website" / "Use Default" checkboxes make no sense.
        $element->unsScope()->unsCanUseWebsiteValue()->unsCanUseDefaultValue();
        return parent::render($element);
    }

    // phpcs:ignore PSR2.Methods.MethodDeclaration.Underscore -- overrides Magento's method
    protected function _getElementHtml(AbstractElement $element)
    {
        $original = $element->getOriginalData();
        $this->addData([
            'button_label' => (string) ($original['button_label'] ?? __('Test connection')),
            'html_id' => $element->getHtmlId(),
        ]);
        return $this->_toHtml();
    }

    public function getAjaxUrl(): string
    {
        $params = [];
        foreach (['website', 'store'] as $scope) {
            $value = $this->getRequest()->getParam($scope);
            if ($value !== null && $value !== '') {
                $params[$scope] = (int) $value;
            }
        }
        return $this->getUrl('exstreamconnect/connection/test', $params);
    }

    public function getInitJson(): string
    {
        return (string) json_encode([
            'ExstreamConnect_Connector/js/test-connection' => [
                'url' => $this->getAjaxUrl(),
                'resultId' => $this->getData('html_id') . '_result',
                'pendingText' => (string) __('Testing...'),
                'failText' => (string) __('The test request failed. Check var/log/exstream_connect.log.'),
            ],
        ], JSON_UNESCAPED_SLASHES);
    }
}
