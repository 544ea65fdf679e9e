<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Cron;

use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\EventRecorder;
use ExstreamConnect\Connector\Model\Events;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use Magento\Quote\Model\ResourceModel\Quote\CollectionFactory as QuoteCollectionFactory;
use Magento\Store\Model\StoreManagerInterface;
use Psr\Log\LoggerInterface;

/**
 * Every five minutes, per store view with the event on: active quotes with items and an email,
 * last changed between "lookback" and "delay" ago, become cart.abandoned outbox rows. The key
 * includes the quote's updated_at, so a cart is reported once per abandonment and again only
 * after the shopper changed it.
 */
class AbandonedCartScan
{
    public const MAX_PER_STORE = 500;

    public function __construct(
        private readonly QuoteCollectionFactory $quoteCollectionFactory,
        private readonly StoreManagerInterface $storeManager,
        private readonly Config $config,
        private readonly EventRecorder $recorder,
        private readonly Clock $clock,
        private readonly LoggerInterface $logger
    ) {
    }

    public function execute(): int
    {
        $queued = 0;
        foreach ($this->storeManager->getStores(false) as $store) {
            $storeId = (int) $store->getId();
            if (!$this->config->isEventEnabled(Events::CART_ABANDONED, $storeId)) {
                continue;
            }
            try {
                $queued += $this->scanStore($storeId);
            } catch (\Throwable $e) {
                $this->logger->error('Exstream abandoned-cart scan failed', [
                    'store_id' => $storeId,
                    'exception' => $e->getMessage(),
                ]);
            }
        }
        return $queued;
    }

    private function scanStore(int $storeId): int
    {
        $now = $this->clock->now();
        $newest = $now - $this->config->getAbandonedCartDelayMinutes($storeId) * 60;
        $oldest = $now - $this->config->getAbandonedCartLookbackHours($storeId) * 3600;
        if ($oldest >= $newest) {
            return 0;
        }
        $collection = $this->quoteCollectionFactory->create();
        $collection->addFieldToFilter('store_id', $storeId)
            ->addFieldToFilter('is_active', 1)
            ->addFieldToFilter('items_count', ['gt' => 0])
            ->addFieldToFilter('customer_email', ['notnull' => true])
            ->addFieldToFilter('customer_email', ['neq' => ''])
            ->addFieldToFilter('updated_at', ['gteq' => OutboxStore::time($oldest)])
            ->addFieldToFilter('updated_at', ['lteq' => OutboxStore::time($newest)])
            ->setOrder('updated_at', 'ASC')
            ->setPageSize(self::MAX_PER_STORE);

        $queued = 0;
        foreach ($collection as $quote) {
            $quoteId = (int) $quote->getId();
            $updatedAt = (string) $quote->getUpdatedAt();
            if ($quoteId <= 0 || $updatedAt === '' || trim((string) $quote->getCustomerEmail()) === '') {
                continue;
            }
            $key = 'cart:' . $quoteId . ':' . preg_replace('/\D/', '', $updatedAt);
            if ($this->recorder->record(Events::CART_ABANDONED, Events::ENTITY_CART, $quoteId, $storeId, null, $key)) {
                $queued++;
            }
        }
        return $queued;
    }
}
