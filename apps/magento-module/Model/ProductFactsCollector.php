<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

use Magento\Catalog\Api\CategoryRepositoryInterface;
use Magento\Catalog\Api\ProductRepositoryInterface;
use Magento\Eav\Api\AttributeSetRepositoryInterface;
use Magento\Framework\Exception\NoSuchEntityException;
use Psr\Log\LoggerInterface;

/**
 * The `products` block of an envelope: what the catalog says about each item, which the REST
 * order / invoice / cart JSON does not carry (its `product_type` is only Magento's technical kind).
 * One fact per top-level item: product id (the configurable parent), variant id (its ordered
 * child), SKU, the merchant's "product type" (the configured attribute, else the attribute set
 * name), tags (the configured attribute), category names (most general first) and the attribute
 * set name. Everything is read in the store view of the entity. Runs at delivery time in cron,
 * never in the shopper's request.
 */
class ProductFactsCollector
{
    /** The sidecar's limits (core ZProductFact). */
    private const MAX_TEXT = 255;
    private const MAX_TAGS = 250;
    private const MAX_CATEGORIES = 100;
    private const MAX_FACTS = 500;

    /** @var array<string, object|null> */
    private array $products = [];
    /** @var array<int, ?string> */
    private array $attributeSets = [];
    /** @var array<string, array{name: string, level: int, path: string}|null> */
    private array $categories = [];

    public function __construct(
        private readonly ProductRepositoryInterface $productRepository,
        private readonly CategoryRepositoryInterface $categoryRepository,
        private readonly AttributeSetRepositoryInterface $attributeSetRepository,
        private readonly Config $config,
        private readonly ?LoggerInterface $logger = null
    ) {
    }

    /**
     * @param array<string, mixed> $entity the REST JSON of the envelope's entity
     * @param array<string, mixed>|null $order the parent order's REST JSON (invoice, shipment, credit memo)
     * @return array<int, array<string, mixed>> facts in item order; products gone from the catalog are left out
     */
    public function collect(string $entityType, array $entity, ?array $order, int $storeId): array
    {
        // Caches live for one envelope: a long cron run must not hold yesterday's catalog.
        $this->products = [];
        $this->attributeSets = [];
        $this->categories = [];
        if ($entityType === Events::ENTITY_CART) {
            return $this->forCartItems((array) ($entity['items'] ?? []), $storeId);
        }
        // Invoice, shipment and credit memo items point at the order's items, which know the products.
        $items = $entityType === Events::ENTITY_ORDER ? ($entity['items'] ?? []) : ($order['items'] ?? []);
        return $this->forOrderItems((array) $items, $storeId);
    }

    /**
     * @param array<int, mixed> $items order items (a configurable parent and its child are two items)
     * @return array<int, array<string, mixed>>
     */
    private function forOrderItems(array $items, int $storeId): array
    {
        $childOf = [];
        foreach ($items as $item) {
            if (is_array($item) && !empty($item['parent_item_id']) && !isset($childOf[(string) $item['parent_item_id']])) {
                $childOf[(string) $item['parent_item_id']] = $item;
            }
        }
        $facts = [];
        foreach ($items as $item) {
            if (!is_array($item) || !empty($item['parent_item_id']) || (int) ($item['product_id'] ?? 0) <= 0) {
                continue;
            }
            $child = $childOf[(string) ($item['item_id'] ?? '')] ?? null;
            $product = $this->product('id', (int) $item['product_id'], $storeId);
            if ($product === null) {
                continue;
            }
            $childProduct = $child !== null && (int) ($child['product_id'] ?? 0) > 0
                ? $this->product('id', (int) $child['product_id'], $storeId)
                : null;
            $facts[] = $this->fact($product, $childProduct, isset($item['sku']) ? (string) $item['sku'] : null, $storeId);
            if (count($facts) >= self::MAX_FACTS) {
                break;
            }
        }
        return $facts;
    }

    /**
     * Cart items (REST CartItemInterface) name no product id: the product is found by SKU.
     *
     * @param array<int, mixed> $items
     * @return array<int, array<string, mixed>>
     */
    private function forCartItems(array $items, int $storeId): array
    {
        $facts = [];
        foreach ($items as $item) {
            $sku = is_array($item) ? trim((string) ($item['sku'] ?? '')) : '';
            if ($sku === '') {
                continue;
            }
            $product = $this->product('sku', $sku, $storeId);
            if ($product !== null) {
                $facts[] = $this->fact($product, null, $sku, $storeId);
            }
            if (count($facts) >= self::MAX_FACTS) {
                break;
            }
        }
        return $facts;
    }

    /**
     * @param object $product the item's product (a configurable's parent)
     * @param object|null $child the ordered child of a configurable
     * @return array<string, mixed>
     */
    private function fact($product, $child, ?string $sku, int $storeId): array
    {
        $attributeSet = $this->attributeSetName($product);
        $typeCode = $this->config->getProductTypeAttribute($storeId);
        $productType = null;
        if ($typeCode !== null) {
            $productType = $this->texts($product, $typeCode, false)[0]
                ?? ($child !== null ? $this->texts($child, $typeCode, false)[0] ?? null : null);
        }
        $tagsCode = $this->config->getTagsAttribute($storeId);
        $tags = [];
        if ($tagsCode !== null) {
            $tags = $this->texts($product, $tagsCode, true);
            if ($tags === [] && $child !== null) {
                $tags = $this->texts($child, $tagsCode, true);
            }
        }
        $categories = $this->categoryNames($product, $storeId);
        if ($categories === [] && $child !== null) {
            $categories = $this->categoryNames($child, $storeId);
        }
        return [
            'productId' => (int) $product->getId(),
            'variantId' => $child !== null ? (int) $child->getId() : null,
            'sku' => $sku !== null && trim($sku) !== '' ? self::bounded($sku) : null,
            'productType' => $productType ?? $attributeSet,
            'tags' => array_slice($tags, 0, self::MAX_TAGS),
            'categories' => array_slice($categories, 0, self::MAX_CATEGORIES),
            'attributeSet' => $attributeSet,
        ];
    }

    /**
     * The store view's text of an attribute: option labels of a select / multiselect, else the
     * stored value (split on commas for tags). Empty values are dropped.
     *
     * @param object $product
     * @return string[]
     */
    private function texts($product, string $code, bool $split): array
    {
        $text = false;
        if (method_exists($product, 'getAttributeText')) {
            try {
                $text = $product->getAttributeText($code);
            } catch (\Exception $e) {
                // An attribute without a usable source model: its stored value is the text.
                $text = false;
            }
        }
        if ($text === false || $text === null || $text === '' || $text === []) {
            $raw = method_exists($product, 'getData') ? $product->getData($code) : null;
            if (!is_scalar($raw) || (string) $raw === '') {
                return [];
            }
            $text = $split ? explode(',', (string) $raw) : [(string) $raw];
        }
        $values = [];
        foreach ((array) $text as $value) {
            $value = trim((string) $value);
            if ($value !== '' && !in_array($value, $values, true)) {
                $values[] = self::bounded($value);
            }
        }
        return $values;
    }

    /** @param object $product */
    private function attributeSetName($product): ?string
    {
        $id = (int) (method_exists($product, 'getAttributeSetId') ? $product->getAttributeSetId() : 0);
        if ($id <= 0) {
            return null;
        }
        if (!array_key_exists($id, $this->attributeSets)) {
            $name = null;
            try {
                $name = trim((string) $this->attributeSetRepository->get($id)->getAttributeSetName());
            } catch (NoSuchEntityException $e) {
                $name = null;
            }
            $this->attributeSets[$id] = $name === null || $name === '' ? null : self::bounded($name);
        }
        return $this->attributeSets[$id];
    }

    /**
     * Names of the product's categories in the store view, most general first (by depth, then
     * path); the root catalog (level 0 and 1) is left out.
     *
     * @param object $product
     * @return string[]
     */
    private function categoryNames($product, int $storeId): array
    {
        $found = [];
        $ids = method_exists($product, 'getCategoryIds') ? (array) $product->getCategoryIds() : [];
        foreach (array_slice($ids, 0, self::MAX_CATEGORIES * 2) as $id) {
            $key = $storeId . ':' . (int) $id;
            if (!array_key_exists($key, $this->categories)) {
                $this->categories[$key] = $this->category((int) $id, $storeId);
            }
            if ($this->categories[$key] !== null) {
                $found[] = $this->categories[$key];
            }
        }
        usort($found, static fn (array $a, array $b): int => [$a['level'], $a['path']] <=> [$b['level'], $b['path']]);
        $names = [];
        foreach ($found as $category) {
            if (!in_array($category['name'], $names, true)) {
                $names[] = $category['name'];
            }
        }
        return $names;
    }

    /** @return array{name: string, level: int, path: string}|null */
    private function category(int $id, int $storeId): ?array
    {
        try {
            $category = $this->categoryRepository->get($id, $storeId);
        } catch (NoSuchEntityException $e) {
            return null;
        }
        $name = trim((string) $category->getName());
        $level = (int) $category->getLevel();
        if ($name === '' || $level <= 1) {
            return null;
        }
        return ['name' => self::bounded($name), 'level' => $level, 'path' => (string) $category->getPath()];
    }

    /**
     * A product in the store view, or null when it is gone (deleted since the order) or the
     * catalog failed: facts are an enrichment, the event is delivered without them.
     *
     * @param int|string $key
     * @return object|null
     */
    private function product(string $by, $key, int $storeId)
    {
        $cacheKey = $by . ':' . $key;
        if (!array_key_exists($cacheKey, $this->products)) {
            try {
                $this->products[$cacheKey] = $by === 'sku'
                    ? $this->productRepository->get((string) $key, false, $storeId)
                    : $this->productRepository->getById((int) $key, false, $storeId);
            } catch (NoSuchEntityException $e) {
                $this->products[$cacheKey] = null;
            } catch (\Exception $e) {
                $this->logger?->warning('Exstream Connect: product facts not read', [
                    'product' => $cacheKey,
                    'store_id' => $storeId,
                    'error' => $e->getMessage(),
                ]);
                $this->products[$cacheKey] = null;
            }
        }
        return $this->products[$cacheKey];
    }

    private static function bounded(string $text): string
    {
        $text = trim($text);
        return function_exists('mb_substr') ? mb_substr($text, 0, self::MAX_TEXT) : substr($text, 0, self::MAX_TEXT);
    }
}
