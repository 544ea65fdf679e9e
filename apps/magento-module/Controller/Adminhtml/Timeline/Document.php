<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Controller\Adminhtml\Timeline;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpGetActionInterface;
use Magento\Framework\Controller\ResultFactory;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Sales\Api\OrderRepositoryInterface;

/**
 * Streams a produced document (PDF) through Magento, so the sidecar secret never reaches the
 * browser. Only PDFs are shown inline; anything else is downloaded, never rendered in the admin.
 */
class Document extends Action implements HttpGetActionInterface
{
    public const ADMIN_RESOURCE = 'ExstreamConnect_Connector::order_timeline';

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
        /** @var \Magento\Framework\Controller\Result\Raw $result */
        $result = $this->resultFactory->create(ResultFactory::TYPE_RAW);
        $orderId = (int) $this->getRequest()->getParam('order_id');
        $communicationId = (string) $this->getRequest()->getParam('id');
        try {
            $order = $this->orderRepository->get($orderId);
        } catch (NoSuchEntityException $e) {
            return $this->fail($result, 404, (string) __('This order no longer exists.'));
        }
        $connection = $this->config->getConnection((int) $order->getStoreId());
        if ($connection === null) {
            return $this->fail($result, 409, (string) __('Exstream Connect is not configured for this store view.'));
        }
        try {
            $belongs = false;
            foreach ($this->client->getTimeline($connection, (string) $order->getIncrementId()) as $item) {
                if ((string) ($item['id'] ?? '') === $communicationId && !empty($item['hasDocument'])) {
                    $belongs = true;
                }
            }
            if (!$belongs) {
                return $this->fail($result, 404, (string) __('No document for this communication on this order.'));
            }
            $document = $this->client->getDocument($connection, $communicationId);
        } catch (SidecarException $e) {
            return $this->fail($result, 502, (string) __('The document could not be loaded: %1', $e->getMessage()));
        }
        $isPdf = stripos((string) $document->getHeader('content-type'), 'application/pdf') === 0;
        $fileName = preg_replace('/[^A-Za-z0-9_.-]/', '_', $order->getIncrementId() . '-' . $communicationId)
            . ($isPdf ? '.pdf' : '.bin');
        $result->setHeader('Content-Type', $isPdf ? 'application/pdf' : 'application/octet-stream', true);
        $result->setHeader(
            'Content-Disposition',
            ($isPdf ? 'inline' : 'attachment') . '; filename="' . $fileName . '"',
            true
        );
        $result->setHeader('X-Content-Type-Options', 'nosniff', true);
        $result->setContents($document->getBody());
        return $result;
    }

    /**
     * @param \Magento\Framework\Controller\Result\Raw $result
     * @return \Magento\Framework\Controller\Result\Raw
     */
    private function fail($result, int $code, string $message)
    {
        $result->setHttpResponseCode($code);
        $result->setHeader('Content-Type', 'text/plain; charset=utf-8', true);
        $result->setContents($message);
        return $result;
    }
}
