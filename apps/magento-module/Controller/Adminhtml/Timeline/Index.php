<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Controller\Adminhtml\Timeline;

use ExstreamConnect\Connector\Block\Adminhtml\Order\Timeline;
use ExstreamConnect\Connector\Model\Timeline\TimelineProvider;
use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpGetActionInterface;
use Magento\Framework\Controller\ResultFactory;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Framework\View\LayoutFactory;
use Magento\Sales\Api\OrderRepositoryInterface;

/**
 * Content of the "Exstream Communications" tab (loaded by ajax when the tab opens). The sidecar is
 * asked with the short admin timeout; on failure the local outbox state is shown.
 */
class Index extends Action implements HttpGetActionInterface
{
    public const ADMIN_RESOURCE = 'ExstreamConnect_Connector::order_timeline';

    public function __construct(
        Context $context,
        private readonly OrderRepositoryInterface $orderRepository,
        private readonly TimelineProvider $timelineProvider,
        private readonly LayoutFactory $layoutFactory
    ) {
        parent::__construct($context);
    }

    public function execute()
    {
        /** @var \Magento\Framework\Controller\Result\Raw $result */
        $result = $this->resultFactory->create(ResultFactory::TYPE_RAW);
        $orderId = (int) $this->getRequest()->getParam('order_id');
        try {
            $order = $this->orderRepository->get($orderId);
        } catch (NoSuchEntityException $e) {
            $result->setHttpResponseCode(404);
            $result->setContents((string) __('This order no longer exists.'));
            return $result;
        }
        $timeline = $this->timelineProvider->forOrder(
            $orderId,
            (string) $order->getIncrementId(),
            (int) $order->getStoreId()
        );
        $block = $this->layoutFactory->create()->createBlock(
            Timeline::class,
            'exstream_connect_order_timeline',
            ['data' => ['timeline' => $timeline, 'order_id' => $orderId]]
        );
        $result->setContents($block->toHtml());
        return $result;
    }
}
