<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Controller\Adminhtml\Outbox;

use Magento\Backend\App\Action;
use Magento\Framework\App\Action\HttpGetActionInterface;
use Magento\Framework\Controller\ResultFactory;

/**
 * Sales > Exstream Connect > Delivery queue.
 */
class Index extends Action implements HttpGetActionInterface
{
    public const ADMIN_RESOURCE = 'ExstreamConnect_Connector::outbox';

    public function execute()
    {
        /** @var \Magento\Backend\Model\View\Result\Page $page */
        $page = $this->resultFactory->create(ResultFactory::TYPE_PAGE);
        $page->setActiveMenu('ExstreamConnect_Connector::outbox');
        $page->getConfig()->getTitle()->prepend(__('Exstream delivery queue'));
        return $page;
    }
}
