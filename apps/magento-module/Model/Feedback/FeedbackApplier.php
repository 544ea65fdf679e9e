<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model\Feedback;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Mask;
use Magento\Framework\Api\SearchCriteriaBuilder;
use Magento\Newsletter\Model\Subscriber;
use Magento\Newsletter\Model\SubscriberFactory;
use Magento\Newsletter\Model\SubscriptionManagerInterface;
use Magento\Sales\Api\OrderRepositoryInterface;
use Magento\Sales\Api\OrderStatusHistoryRepositoryInterface;
use Magento\Sales\Model\Order;
use Magento\Store\Model\StoreManagerInterface;
use Psr\Log\LoggerInterface;

/**
 * Applies one item of GET /v1/feedback (the item shape is documented in the sidecar README and
 * defined by the engine's `ZFeedbackItem`):
 *
 * - `communication_status`: a delivery outcome becomes one short order comment, saved alone
 *   through the status-history repository (the order is not re-saved, so our observers stay quiet).
 * - `consent_changed` with `state: opted_out` on email: the newsletter subscription of that
 *   customer (by Magento customer id) or guest (by address, in the store view's website) ends, in
 *   the store view the item names (`storeCode`), which must be one this sidecar store serves.
 * - `consent_changed` with `state: bounced`: nothing changes in the newsletter. A bounce says the
 *   address does not take mail, not that the customer withdrew consent; the bounced communication
 *   already adds its own order comment, and the engine stops emailing that address (its rules fall
 *   back to another channel).
 * - `opted_in` is never applied: opt-ins happen in Magento itself, with its confirmation flow.
 */
class FeedbackApplier
{
    /** Outcomes worth a line in Comments History; the full history lives in the order-view tab. */
    public const COMMENT_STATUSES = ['delivered', 'bounced', 'failed', 'suppressed'];

    public function __construct(
        private readonly Config $config,
        private readonly OrderRepositoryInterface $orderRepository,
        private readonly OrderStatusHistoryRepositoryInterface $historyRepository,
        private readonly SearchCriteriaBuilder $searchCriteriaBuilder,
        private readonly SubscriptionManagerInterface $subscriptionManager,
        private readonly SubscriberFactory $subscriberFactory,
        private readonly StoreManagerInterface $storeManager,
        private readonly LoggerInterface $logger
    ) {
    }

    /**
     * @param array<string, mixed> $item one feedback item
     * @param int[] $storeIds the store views served by the sidecar store the item came from
     * @return bool true when something changed in Magento
     */
    public function apply(array $item, array $storeIds): bool
    {
        if ($storeIds === []) {
            return false;
        }
        switch ($item['type'] ?? null) {
            case 'communication_status':
                return $this->applyStatus($item, $storeIds);
            case 'consent_changed':
                return $this->applyConsent($item, $storeIds);
            default:
                return false;
        }
    }

    /**
     * @param array<string, mixed> $item
     * @param int[] $storeIds
     */
    private function applyStatus(array $item, array $storeIds): bool
    {
        $status = (string) ($item['status'] ?? '');
        $orderRef = (string) ($item['orderRef'] ?? '');
        if ($orderRef === '' || !in_array($status, self::COMMENT_STATUSES, true)) {
            return false;
        }
        // Increment ids repeat across store views of one installation: look in the item's store
        // view when it names one of ours, else in every store view of this sidecar store.
        $store = $this->storeOf($item, $storeIds);
        $order = $this->findOrder($orderRef, $store !== null ? [(int) $store->getId()] : $storeIds);
        if ($order === null || !$this->config->isOrderCommentsEnabled((int) $order->getStoreId())) {
            return false;
        }
        $history = $order->addCommentToStatusHistory($this->comment($item), false, false);
        $history->setIsCustomerNotified(0);
        $this->historyRepository->save($history);
        return true;
    }

    /**
     * @param array<string, mixed> $item
     */
    public function comment(array $item): string
    {
        $document = str_replace('_', ' ', (string) ($item['documentType'] ?? 'communication'));
        $channel = (string) ($item['channel'] ?? '');
        $text = 'Exstream: ' . $document . ($channel !== '' ? ' (' . $channel . ')' : '') . ' '
            . (string) ($item['status'] ?? '');
        $detail = trim((string) ($item['detail'] ?? ''));
        if ($detail !== '') {
            // Details come from delivery systems and may quote the address; mask anything email-like.
            $detail = (string) preg_replace_callback(
                '/[^\s<>"\']+@[^\s<>"\']+/',
                static fn (array $m): string => Mask::email($m[0]),
                $detail
            );
            $text .= ' - ' . mb_substr($detail, 0, 200);
        }
        return $text;
    }

    /**
     * @param int[] $storeIds
     */
    private function findOrder(string $incrementId, array $storeIds): ?Order
    {
        $criteria = $this->searchCriteriaBuilder
            ->addFilter('increment_id', $incrementId)
            ->addFilter('store_id', $storeIds, 'in')
            ->setPageSize(1)
            ->create();
        foreach ($this->orderRepository->getList($criteria)->getItems() as $order) {
            if ($order instanceof Order) {
                return $order;
            }
        }
        return null;
    }

    /**
     * The store view an item names (`storeCode`), among those this sidecar store serves. An item
     * without a code (its event was redacted) is only unambiguous when there is one store view.
     *
     * @param array<string, mixed> $item
     * @param int[] $storeIds
     * @return object|null the store (getId, getCode, getWebsiteId)
     */
    private function storeOf(array $item, array $storeIds): ?object
    {
        $code = isset($item['storeCode']) && is_string($item['storeCode']) ? $item['storeCode'] : '';
        if ($code === '') {
            return count($storeIds) === 1 ? $this->storeManager->getStore((int) reset($storeIds)) : null;
        }
        foreach ($storeIds as $storeId) {
            $store = $this->storeManager->getStore((int) $storeId);
            if ((string) $store->getCode() === $code) {
                return $store;
            }
        }
        return null;
    }

    /**
     * @param array<string, mixed> $item
     * @param int[] $storeIds
     */
    private function applyConsent(array $item, array $storeIds): bool
    {
        $channel = (string) ($item['channel'] ?? '');
        $state = (string) ($item['state'] ?? '');
        $email = trim((string) ($item['email'] ?? ''));
        $rawId = $item['customerId'] ?? null;
        $customerId = is_int($rawId) || (is_string($rawId) && ctype_digit($rawId)) ? (int) $rawId : 0;
        // Magento's newsletter is the email consent; other channels have no Magento counterpart.
        if ($channel !== 'email') {
            return false;
        }
        if ($state === 'bounced') {
            $this->logger->info('Exstream reports a bounced address; the newsletter subscription is left as it is', [
                'email' => Mask::email($email),
                'customer_id' => $customerId ?: null,
                'store_code' => $item['storeCode'] ?? null,
            ]);
            return false;
        }
        if ($state !== 'opted_out') {
            return false;
        }
        $store = $this->storeOf($item, $storeIds);
        if ($store === null) {
            $this->logger->warning('Exstream opt-out names no store view of this sidecar store; not applied', [
                'store_code' => $item['storeCode'] ?? null,
                'email' => Mask::email($email),
            ]);
            return false;
        }
        $storeId = (int) $store->getId();
        if (!$this->config->isApplyConsentEnabled($storeId) || ($customerId === 0 && $email === '')) {
            return false;
        }

        if ($customerId > 0) {
            $this->subscriptionManager->unsubscribeCustomer($customerId, $storeId);
        } else {
            // A guest subscription belongs to a website: the one of the store view the mail came from.
            $websiteId = (int) $store->getWebsiteId();
            $subscriber = $this->subscriberFactory->create()->loadBySubscriberEmail($email, $websiteId);
            if (!$subscriber->getId() || (int) $subscriber->getSubscriberStatus() === Subscriber::STATUS_UNSUBSCRIBED) {
                return false;
            }
            $subscriber->unsubscribe();
        }
        $this->logger->info('Exstream opt-out applied to the newsletter', [
            'email' => Mask::email($email),
            'customer_id' => $customerId ?: null,
            'store_id' => $storeId,
        ]);
        return true;
    }
}
