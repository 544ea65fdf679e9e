<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Controller\Adminhtml\Timeline;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpPostActionInterface;
use Magento\Framework\Controller\ResultFactory;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Sales\Api\OrderRepositoryInterface;

/**
 * Resend button of the order-view tab: POST with form key; asks the sidecar for a new attempt of
 * one communication, after checking that the communication belongs to this order.
 */
class Resend extends Action implements HttpPostActionInterface
{
    public const ADMIN_RESOURCE = 'ExstreamConnect_Connector::resend';

    public function __construct(
        Context $context,
        private readonly OrderRepositoryInterface $orderRepository,
        private readonly Config $config,
        private readonly SidecarClient $client
    ) {
        parent::__construct($context);
    }

    public function execute()
    {
        $orderId = (int) $this->getRequest()->getParam('order_id');
        /** @var \Magento\Framework\Controller\Result\Redirect $redirect */
        $redirect = $this->resultFactory->create(ResultFactory::TYPE_REDIRECT);
        $redirect->setPath('sales/order/view', ['order_id' => $orderId]);

        if (!$this->_formKeyValidator->validate($this->getRequest())) {
            $this->messageManager->addErrorMessage(__('Invalid form key. Reload the page and try again.'));
            return $redirect;
        }
        $communicationId = (string) $this->getRequest()->getParam('communication_id');
        if (!preg_match('/^[A-Za-z0-9_.:-]{1,100}$/', $communicationId)) {
            $this->messageManager->addErrorMessage(__('Unknown communication.'));
            return $redirect;
        }
        try {
            $order = $this->orderRepository->get($orderId);
        } catch (NoSuchEntityException $e) {
            $this->messageManager->addErrorMessage(__('This order no longer exists.'));
            return $redirect;
        }
        $connection = $this->config->getConnection((int) $order->getStoreId());
        if ($connection === null) {
            $this->messageManager->addErrorMessage(__('Exstream Connect is not configured for this store view.'));
            return $redirect;
        }
        try {
            $ids = array_map(
                static fn (array $item): string => (string) ($item['id'] ?? ''),
                $this->client->getTimeline($connection, (string) $order->getIncrementId())
            );
            if (!in_array($communicationId, $ids, true)) {
                $this->messageManager->addErrorMessage(__('This communication does not belong to this order.'));
                return $redirect;
            }
            $answer = $this->client->resend($connection, $communicationId);
            $this->messageManager->addSuccessMessage(__(
                'Resend requested (new communication %1). Its status appears in the Exstream Communications tab.',
                (string) ($answer['communicationId'] ?? '')
            ));
        } catch (SidecarException $e) {
            $this->messageManager->addErrorMessage(__('The resend failed: %1', $e->describe()));
        }
        return $redirect;
    }
}
