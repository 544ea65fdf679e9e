<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Framework\Webapi\ServiceOutputProcessor;
use Magento\Quote\Api\CartRepositoryInterface;
use Magento\Sales\Api\CreditmemoRepositoryInterface;
use Magento\Sales\Api\InvoiceRepositoryInterface;
use Magento\Sales\Api\OrderRepositoryInterface;
use Magento\Sales\Api\ShipmentRepositoryInterface;
use Magento\Store\Model\StoreManagerInterface;

/**
 * Builds the envelope for an outbox row at delivery time: the entity is loaded through its
 * service contract and serialised with ServiceOutputProcessor, so `entity` and `order` are exactly
 * what GET /V1/orders/{id} (invoices, shipment, creditmemo, carts) would return. `products` adds
 * the catalog facts of the items (ProductFactsCollector).
 */
class PayloadBuilder
{
    /** entity_type => [repository interface, method] */
    private const SERVICES = [
        Events::ENTITY_ORDER => [OrderRepositoryInterface::class, 'get'],
        Events::ENTITY_INVOICE => [InvoiceRepositoryInterface::class, 'get'],
        Events::ENTITY_SHIPMENT => [ShipmentRepositoryInterface::class, 'get'],
        Events::ENTITY_CREDITMEMO => [CreditmemoRepositoryInterface::class, 'get'],
        Events::ENTITY_CART => [CartRepositoryInterface::class, 'get'],
    ];

    public function __construct(
        private readonly OrderRepositoryInterface $orderRepository,
        private readonly InvoiceRepositoryInterface $invoiceRepository,
        private readonly ShipmentRepositoryInterface $shipmentRepository,
        private readonly CreditmemoRepositoryInterface $creditmemoRepository,
        private readonly CartRepositoryInterface $cartRepository,
        private readonly ServiceOutputProcessor $outputProcessor,
        private readonly StoreManagerInterface $storeManager,
        private readonly Config $config,
        private readonly ProductFactsCollector $productFacts
    ) {
    }

    /**
     * @param array<string, mixed> $row an outbox row
     * @return array<string, mixed> the envelope { id, event, occurred_at, store, entity, order?, detail?, products? }
     * @throws NoSuchEntityException when the entity was deleted since the event
     * @throws \InvalidArgumentException for an unknown entity type
     */
    public function build(array $row): array
    {
        $entityType = (string) $row['entity_type'];
        $entityId = (int) $row['entity_id'];
        $storeId = (int) $row['store_id'];
        if (!isset(self::SERVICES[$entityType])) {
            throw new \InvalidArgumentException('Unknown outbox entity type "' . $entityType . '"');
        }

        $model = $this->load($entityType, $entityId);
        $entity = $this->serialise($entityType, $model);

        $envelope = [
            'id' => (string) $row['idempotency_key'],
            'event' => (string) $row['event'],
            'occurred_at' => isset($row['created_at']) ? (string) $row['created_at'] : null,
            'store' => $this->storeBlock($storeId),
            'entity' => $entity,
        ];
        if ($envelope['occurred_at'] === null) {
            unset($envelope['occurred_at']);
        }

        if ($entityType !== Events::ENTITY_ORDER && $entityType !== Events::ENTITY_CART) {
            $orderId = (int) ($entity['order_id'] ?? $row['order_id'] ?? 0);
            if ($orderId > 0) {
                $envelope['order'] = $this->serialise(Events::ENTITY_ORDER, $this->orderRepository->get($orderId));
            }
        }

        $detail = $this->detailFor((string) $row['event'], $entity, $envelope['store']);
        if ($detail !== null) {
            $envelope['detail'] = $detail;
        }

        // What the catalog says about the items (product type, tags, categories, attribute set):
        // template rules for warranty or compliance documents match on it.
        $products = $this->productFacts->collect($entityType, $entity, $envelope['order'] ?? null, $storeId);
        if ($products !== []) {
            $envelope['products'] = $products;
        }
        return $envelope;
    }

    /**
     * @return array<string, mixed> { code, website, locale, currency, base_url, brand?, channels }
     */
    public function storeBlock(int $storeId): array
    {
        $store = $this->storeManager->getStore($storeId);
        $website = $this->storeManager->getWebsite($store->getWebsiteId());
        $block = [
            'code' => (string) $store->getCode(),
            'website' => (string) $website->getCode(),
            'locale' => $this->config->getLocale($storeId),
            'currency' => (string) $store->getBaseCurrencyCode(),
            'base_url' => (string) $store->getBaseUrl(),
            'channels' => $this->config->getChannels($storeId),
        ];
        $brand = $this->config->getBrand($storeId);
        if ($brand !== null) {
            $block['brand'] = $brand;
        }
        return $block;
    }

    /**
     * @return object
     */
    private function load(string $entityType, int $entityId)
    {
        switch ($entityType) {
            case Events::ENTITY_ORDER:
                return $this->orderRepository->get($entityId);
            case Events::ENTITY_INVOICE:
                return $this->invoiceRepository->get($entityId);
            case Events::ENTITY_SHIPMENT:
                return $this->shipmentRepository->get($entityId);
            case Events::ENTITY_CREDITMEMO:
                return $this->creditmemoRepository->get($entityId);
            default:
                return $this->cartRepository->get($entityId);
        }
    }

    /**
     * @param object $model
     * @return array<string, mixed>
     */
    private function serialise(string $entityType, $model): array
    {
        [$service, $method] = self::SERVICES[$entityType];
        $data = $this->outputProcessor->process($model, $service, $method);
        if (!is_array($data)) {
            throw new \UnexpectedValueException('ServiceOutputProcessor returned no array for ' . $entityType);
        }
        return $data;
    }

    /**
     * Extra facts the REST entity lacks: delay and backorder reasons, the cart link.
     *
     * @param array<string, mixed> $entity
     * @param array<string, mixed> $store
     * @return array<string, ?string>|null
     */
    private function detailFor(string $event, array $entity, array $store): ?array
    {
        if ($event === Events::CART_ABANDONED) {
            // Magento has no guest cart-recovery link of its own; a signed-in customer finds the
            // cart again at checkout/cart after logging in.
            $isGuest = !empty($entity['customer_is_guest']) || empty($entity['customer']['id']);
            return ['recovery_url' => $isGuest ? null : rtrim((string) $store['base_url'], '/') . '/checkout/cart/'];
        }
        if ($event === Events::ORDER_DELAYED) {
            return ['reason' => 'Order on hold', 'expected_at' => null];
        }
        if ($event !== Events::ORDER_BACKORDERED) {
            return null;
        }
        $skus = [];
        foreach ((array) ($entity['items'] ?? []) as $item) {
            if (is_array($item) && (float) ($item['qty_backordered'] ?? 0) > 0) {
                $skus[] = (string) ($item['sku'] ?? '');
            }
        }
        $reason = count($skus) . ' item(s) on backorder' . ($skus !== [] ? ': ' . implode(', ', $skus) : '');
        return ['reason' => $reason, 'expected_at' => null];
    }
}
