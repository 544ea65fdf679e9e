<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Support;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\ProductFactsCollector;
use Magento\Catalog\Api\CategoryRepositoryInterface;
use Magento\Catalog\Api\ProductRepositoryInterface;
use Magento\Catalog\Model\Category;
use Magento\Catalog\Model\Product;
use Magento\Eav\Api\AttributeSetRepositoryInterface;
use Magento\Eav\Model\Entity\Attribute\Set;
use Magento\Framework\Exception\NoSuchEntityException;
use Psr\Log\LoggerInterface;

/**
 * A Magento catalog behind the three repositories the ProductFactsCollector uses, built from a
 * description (Test/fixtures/catalog/*.json): products with their stored attribute values (option
 * ids for dropdowns), option labels, attribute sets and categories. Every repository call is
 * recorded with the store id it was made for.
 */
final class CatalogDouble
{
    /** @var array<int, array{0: string, 1: int|string, 2: mixed}> [method, key, storeId] */
    public array $calls = [];

    /** @param array<string, mixed> $catalog */
    public function __construct(private array $catalog = [])
    {
    }

    public static function fromFile(string $file): self
    {
        return new self(Fixtures::json($file));
    }

    /** @return array<string, string> the module settings the catalog was described for (`config`) */
    public function config(): array
    {
        return (array) ($this->catalog['config'] ?? []);
    }

    public function collector(Config $config, ?LoggerInterface $logger = null): ProductFactsCollector
    {
        return new ProductFactsCollector($this->products(), $this->categories(), $this->attributeSets(), $config, $logger);
    }

    public function products(): ProductRepositoryInterface
    {
        $double = $this;
        return new class ($double) implements ProductRepositoryInterface {
            public function __construct(private CatalogDouble $double)
            {
            }

            public function get($sku, $editMode = false, $storeId = null, $forceReload = false)
            {
                $this->double->calls[] = ['product.get', $sku, $storeId];
                return $this->double->productWhere('sku', (string) $sku);
            }

            public function getById($productId, $editMode = false, $storeId = null, $forceReload = false)
            {
                $this->double->calls[] = ['product.getById', $productId, $storeId];
                return $this->double->productWhere('entity_id', (int) $productId);
            }
        };
    }

    public function categories(): CategoryRepositoryInterface
    {
        $double = $this;
        return new class ($double) implements CategoryRepositoryInterface {
            public function __construct(private CatalogDouble $double)
            {
            }

            public function get($categoryId, $storeId = null)
            {
                $this->double->calls[] = ['category.get', $categoryId, $storeId];
                return $this->double->category((string) $categoryId);
            }
        };
    }

    public function attributeSets(): AttributeSetRepositoryInterface
    {
        $double = $this;
        return new class ($double) implements AttributeSetRepositoryInterface {
            public function __construct(private CatalogDouble $double)
            {
            }

            public function get($attributeSetId)
            {
                $this->double->calls[] = ['attributeSet.get', $attributeSetId, null];
                return $this->double->attributeSet((string) $attributeSetId);
            }
        };
    }

    /** @param int|string $value */
    public function productWhere(string $field, $value): Product
    {
        foreach ((array) ($this->catalog['products'] ?? []) as $data) {
            if (($data[$field] ?? null) === $value) {
                return new Product($data, (array) ($this->catalog['options'] ?? []));
            }
        }
        throw new NoSuchEntityException('The product that was requested doesn\'t exist.');
    }

    public function category(string $id): Category
    {
        $data = $this->catalog['categories'][$id] ?? null;
        if (!is_array($data)) {
            throw new NoSuchEntityException('No such entity with id = ' . $id);
        }
        return new Category(['entity_id' => (int) $id] + $data);
    }

    public function attributeSet(string $id): Set
    {
        $name = $this->catalog['attribute_sets'][$id] ?? null;
        if ($name === null) {
            throw new NoSuchEntityException('No such entity with id = ' . $id);
        }
        return new Set(['attribute_set_id' => (int) $id, 'attribute_set_name' => $name]);
    }
}
