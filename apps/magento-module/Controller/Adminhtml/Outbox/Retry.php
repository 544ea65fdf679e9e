<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Controller\Adminhtml\Outbox;

use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpPostActionInterface;
use Magento\Framework\Controller\ResultFactory;

/**
 * Puts a failed outbox row back in the queue with a fresh attempt budget. The next dispatch run
 * (within a minute) sends it again under the same idempotency key.
 */
class Retry extends Action implements HttpPostActionInterface
{
    public const ADMIN_RESOURCE = 'ExstreamConnect_Connector::outbox';

    public function __construct(
        Context $context,
        private readonly OutboxStore $outbox,
        private readonly Clock $clock
    ) {
        parent::__construct($context);
    }

    public function execute()
    {
        $orderId = (int) $this->getRequest()->getParam('order_id');
        /** @var \Magento\Framework\Controller\Result\Redirect $redirect */
        $redirect = $this->resultFactory->create(ResultFactory::TYPE_REDIRECT);
        if ($orderId > 0) {
            $redirect->setPath('sales/order/view', ['order_id' => $orderId]);
        } else {
            $redirect->setPath('exstreamconnect/outbox/index');
        }
        if (!$this->_formKeyValidator->validate($this->getRequest())) {
            $this->messageManager->addErrorMessage(__('Invalid form key. Reload the page and try again.'));
            return $redirect;
        }
        $id = (int) $this->getRequest()->getParam('id');
        if ($id > 0 && $this->outbox->requeue($id, $this->clock->now())) {
            $this->messageManager->addSuccessMessage(__('The event is queued again and will be sent within a minute.'));
        } else {
            $this->messageManager->addErrorMessage(__('Only a failed event can be retried.'));
        }
        return $redirect;
    }
}
