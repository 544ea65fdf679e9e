<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Block\Adminhtml\Order\View\Tab;

use Magento\Backend\Block\Template;
use Magento\Backend\Block\Widget\Tab\TabInterface;

/**
 * "Exstream Communications" tab on the admin order view. It renders nothing itself: the tab is
 * "ajax only", so the order page never waits for the sidecar; the content comes from
 * exstreamconnect/timeline/index when the merchant opens the tab.
 */
class Communications extends Template implements TabInterface
{
    public const ACL_RESOURCE = 'ExstreamConnect_Connector::order_timeline';

    public function getTabLabel()
    {
        return __('Exstream Communications');
    }

    public function getTabTitle()
    {
        return __('Communications sent through OpenText Exstream');
    }

    public function canShowTab()
    {
        return $this->_authorization->isAllowed(self::ACL_RESOURCE);
    }

    public function isHidden()
    {
        return false;
    }

    public function getTabClass(): string
    {
        return 'ajax only';
    }

    public function getClass(): string
    {
        return $this->getTabClass();
    }

    public function getTabUrl(): string
    {
        return $this->getUrl('exstreamconnect/timeline/index', ['_current' => true]);
    }

    // phpcs:ignore PSR2.Methods.MethodDeclaration.Underscore -- overrides Magento's method
    protected function _toHtml()
    {
        return '';
    }
}
