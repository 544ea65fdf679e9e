<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Events;
use ExstreamConnect\Connector\Model\ProductFactsCollector;
use ExstreamConnect\Connector\Test\Unit\Support\CatalogDouble;
use ExstreamConnect\Connector\Test\Unit\Support\FakeScopeConfig;
use ExstreamConnect\Connector\Test\Unit\Support\Fixtures;
use Magento\Catalog\Api\ProductRepositoryInterface;
use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;

/**
 * The `products` block: what the catalog says about each item, read in the entity's store view.
 */
class ProductFactsCollectorTest extends TestCase
{
    private const STORE = 3;

    /** @return array<string, mixed> */
    private function coreOrder(): array
    {
        return Fixtures::json(dirname(__DIR__, 5) . '/packages/core/test/fixtures/magento/order.json');
    }

    private function scope(?string $typeAttribute = 'warranty_class', ?string $tagsAttribute = 'product_labels'): FakeScopeConfig
    {
        $scope = FakeScopeConfig::enabled();
        // Set for the store view only: a read in another scope would find nothing.
        $scope->set(Config::XML_PATH_PRODUCT_TYPE_ATTRIBUTE, $typeAttribute, self::STORE);
        $scope->set(Config::XML_PATH_TAGS_ATTRIBUTE, $tagsAttribute, self::STORE);
        return $scope;
    }

    public function testAConfigurableItemIsOneFactWithItsChildAsVariantAndTheParentsAttributes(): void
    {
        $catalog = Fixtures::catalog('core');
        $scope = $this->scope();
        $facts = $catalog->collector(new Config($scope))->collect(Events::ENTITY_ORDER, $this->coreOrder(), null, self::STORE);

        self::assertSame([
            [
                'productId' => 1201,
                'variantId' => 1202,
                'sku' => 'JKT-HIVER-M',
                'productType' => 'Manteau',
                // The parent's tags win over the child's ("nouveauté").
                'tags' => ['garantie-2-ans'],
                // Most general first; the root catalog and "Catalogue par défaut" (level 1) left out.
                'categories' => ['Vêtements', "Manteaux d'hiver"],
                'attributeSet' => "Vêtements d'hiver",
            ],
            [
                'productId' => 1310,
                'variantId' => null,
                'sku' => 'WRN-GANT-01',
                'productType' => 'Gants',
                'tags' => ['laine-mérinos'],
                'categories' => ['Accessoires', 'Gants et mitaines'],
                'attributeSet' => 'Accessoires',
            ],
        ], $facts);

        // Everything was read in the entity's store view.
        foreach ($catalog->calls as [$call, $key, $storeId]) {
            if ($call !== 'attributeSet.get') {
                self::assertSame(self::STORE, $storeId, $call . ' ' . $key);
            }
        }
        $productReads = array_values(array_filter(
            $scope->reads,
            static fn (array $r): bool => str_starts_with($r[0], 'exstream_connect/products/')
        ));
        self::assertNotEmpty($productReads);
        foreach ($productReads as [$path, $scopeType, $scopeCode]) {
            self::assertSame(['store', self::STORE], [$scopeType, $scopeCode], $path);
        }
    }

    public function testWithoutAProductTypeAttributeTheAttributeSetNameIsTheType(): void
    {
        $facts = Fixtures::catalog('core')->collector(new Config($this->scope(null, null)))
            ->collect(Events::ENTITY_ORDER, $this->coreOrder(), null, self::STORE);
        self::assertSame(["Vêtements d'hiver", 'Accessoires'], array_column($facts, 'productType'));
        self::assertSame([[], []], array_column($facts, 'tags'));
        // A malformed attribute code counts as unset.
        $facts = Fixtures::catalog('core')->collector(new Config($this->scope('warranty class; DROP', '')))
            ->collect(Events::ENTITY_ORDER, $this->coreOrder(), null, self::STORE);
        self::assertSame(["Vêtements d'hiver", 'Accessoires'], array_column($facts, 'productType'));
    }

    public function testTextAttributesAreReadAsStoredAndTagsSplitOnCommas(): void
    {
        $catalog = new CatalogDouble([
            'attribute_sets' => ['4' => 'Default'],
            'products' => [
                [
                    'entity_id' => 7, 'sku' => 'HLM-1', 'attribute_set_id' => 4, 'category_ids' => [],
                    'kind' => ' Helmet ', 'labels' => 'EN 1078, warranty-2y,,EN 1078',
                ],
            ],
        ]);
        $order = ['items' => [['item_id' => 1, 'product_id' => 7, 'sku' => 'HLM-1', 'parent_item_id' => null]]];
        $facts = $catalog->collector(new Config($this->scope('kind', 'labels')))
            ->collect(Events::ENTITY_ORDER, $order, null, self::STORE);
        self::assertSame('Helmet', $facts[0]['productType']);
        self::assertSame(['EN 1078', 'warranty-2y'], $facts[0]['tags']);
    }

    public function testInvoicesShipmentsAndCreditMemosUseTheParentOrdersItems(): void
    {
        $invoice = Fixtures::json(dirname(__DIR__, 5) . '/packages/core/test/fixtures/magento/invoice.json');
        $collector = Fixtures::catalog('core')->collector(new Config($this->scope()));
        foreach ([Events::ENTITY_INVOICE, Events::ENTITY_SHIPMENT, Events::ENTITY_CREDITMEMO] as $type) {
            $facts = $collector->collect($type, $invoice, $this->coreOrder(), self::STORE);
            self::assertSame(['JKT-HIVER-M', 'WRN-GANT-01'], array_column($facts, 'sku'), $type);
        }
        self::assertSame([], $collector->collect(Events::ENTITY_INVOICE, $invoice, null, self::STORE), 'no parent order, no facts');
    }

    public function testCartItemsAreFoundBySku(): void
    {
        $catalog = Fixtures::catalog('core');
        $cart = ['id' => 905, 'items' => [
            ['item_id' => 1, 'sku' => 'WRN-GANT-01', 'qty' => 1],
            ['item_id' => 2, 'sku' => 'NOT-IN-CATALOG', 'qty' => 1],
        ]];
        $facts = $catalog->collector(new Config($this->scope()))->collect(Events::ENTITY_CART, $cart, null, self::STORE);
        self::assertSame([[
            'productId' => 1310,
            'variantId' => null,
            'sku' => 'WRN-GANT-01',
            'productType' => 'Gants',
            'tags' => ['laine-mérinos'],
            'categories' => ['Accessoires', 'Gants et mitaines'],
            'attributeSet' => 'Accessoires',
        ]], $facts);
        self::assertContains(['product.get', 'WRN-GANT-01', self::STORE], $catalog->calls);
    }

    public function testDeletedProductsAreLeftOutAndACatalogFailureIsLoggedNotThrown(): void
    {
        $order = $this->coreOrder();
        $order['items'][2]['product_id'] = 999_999;
        $facts = Fixtures::catalog('core')->collector(new Config($this->scope()))
            ->collect(Events::ENTITY_ORDER, $order, null, self::STORE);
        self::assertSame(['JKT-HIVER-M'], array_column($facts, 'sku'));

        $broken = $this->createMock(ProductRepositoryInterface::class);
        $broken->method('getById')
            ->willThrowException(new \RuntimeException('SQLSTATE[HY000]: General error: 2006 MySQL server has gone away'));
        $catalog = Fixtures::catalog('core');
        $logger = $this->createMock(LoggerInterface::class);
        $logger->expects(self::atLeastOnce())->method('warning')->with(
            'Exstream Connect: product facts not read',
            self::callback(
                static fn (array $context): bool => str_contains($context['error'], 'gone away') && $context['store_id'] === self::STORE
            )
        );
        $collector = new ProductFactsCollector(
            $broken,
            $catalog->categories(),
            $catalog->attributeSets(),
            new Config($this->scope()),
            $logger
        );
        self::assertSame([], $collector->collect(Events::ENTITY_ORDER, $this->coreOrder(), null, self::STORE));
    }

    public function testValuesAreBoundedToTheSidecarsLimits(): void
    {
        $labels = [];
        for ($i = 1; $i <= 300; $i++) {
            $labels[(string) $i] = 'tag-' . $i;
        }
        $catalog = new CatalogDouble([
            'attribute_sets' => ['4' => str_repeat('é', 300)],
            'options' => ['labels' => $labels],
            'products' => [[
                'entity_id' => 7, 'sku' => 'X', 'attribute_set_id' => 4, 'category_ids' => [],
                'labels' => implode(',', array_keys($labels)),
            ]],
        ]);
        $order = ['items' => [['item_id' => 1, 'product_id' => 7, 'sku' => 'X']]];
        $fact = $catalog->collector(new Config($this->scope(null, 'labels')))
            ->collect(Events::ENTITY_ORDER, $order, null, self::STORE)[0];
        self::assertCount(250, $fact['tags']);
        self::assertSame(255, mb_strlen((string) $fact['attributeSet']));
        self::assertSame($fact['attributeSet'], $fact['productType']);
    }
}
