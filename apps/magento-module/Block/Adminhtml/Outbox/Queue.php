<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Block\Adminhtml\Outbox;

use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use Magento\Backend\Block\Template;
use Magento\Backend\Block\Template\Context;

/**
 * Sales > Exstream Connect > Delivery queue: failed events (with Retry) and waiting events.
 */
class Queue extends Template
{
    /** @var string */
    // phpcs:ignore PSR2.Classes.PropertyDeclaration.Underscore -- Magento's property name
    protected $_template = 'ExstreamConnect_Connector::outbox/queue.phtml';

    /**
     * @param array<string, mixed> $data
     */
    public function __construct(
        Context $context,
        private readonly OutboxStore $outbox,
        array $data = []
    ) {
        parent::__construct($context, $data);
    }

    /** @return array<string, int> */
    public function getCounts(): array
    {
        return $this->outbox->countByStatus();
    }

    public function getLastSentAt(): ?string
    {
        return $this->outbox->lastSentAt();
    }

    /** @return array<int, array<string, mixed>> */
    public function getFailed(): array
    {
        return $this->outbox->listByStatus(OutboxStore::STATUS_FAILED);
    }

    /** @return array<int, array<string, mixed>> */
    public function getWaiting(): array
    {
        return array_merge(
            $this->outbox->listByStatus(OutboxStore::STATUS_PROCESSING, 50),
            $this->outbox->listByStatus(OutboxStore::STATUS_PENDING)
        );
    }

    public function getOrderUrl(int $orderId): string
    {
        return $this->getUrl('sales/order/view', ['order_id' => $orderId]);
    }

    public function getRetryUrl(): string
    {
        return $this->getUrl('exstreamconnect/outbox/retry');
    }
}
