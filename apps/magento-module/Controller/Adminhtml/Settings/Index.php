<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Controller\Adminhtml\Settings;

use Magento\Backend\App\Action;
use Magento\Framework\App\Action\HttpGetActionInterface;
use Magento\Framework\Controller\ResultFactory;

/**
 * Sales > Exstream Connect > Template rules.
 */
class Index extends Action implements HttpGetActionInterface
{
    public const ADMIN_RESOURCE = 'ExstreamConnect_Connector::settings';

    public function execute()
    {
        /** @var \Magento\Backend\Model\View\Result\Page $page */
        $page = $this->resultFactory->create(ResultFactory::TYPE_PAGE);
        $page->setActiveMenu('ExstreamConnect_Connector::settings');
        $page->getConfig()->getTitle()->prepend(__('Exstream template rules'));
        return $page;
    }
}
