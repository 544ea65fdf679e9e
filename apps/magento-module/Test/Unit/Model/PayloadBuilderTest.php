<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\PayloadBuilder;
use ExstreamConnect\Connector\Test\Unit\Support\CatalogDouble;
use ExstreamConnect\Connector\Test\Unit\Support\FakeScopeConfig;
use ExstreamConnect\Connector\Test\Unit\Support\Fixtures;
use ExstreamConnect\Connector\Test\Unit\Support\RestShape;
use Magento\Framework\DataObject;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Framework\Webapi\ServiceOutputProcessor;
use Magento\Quote\Api\CartRepositoryInterface;
use Magento\Sales\Api\CreditmemoRepositoryInterface;
use Magento\Sales\Api\InvoiceRepositoryInterface;
use Magento\Sales\Api\OrderRepositoryInterface;
use Magento\Sales\Api\ShipmentRepositoryInterface;
use Magento\Store\Model\Store;
use Magento\Store\Model\StoreManagerInterface;
use Magento\Store\Model\Website;
use PHPUnit\Framework\TestCase;

/**
 * The envelope built from repositories + ServiceOutputProcessor must match the shared fixtures:
 * the same entity and parent order JSON, the same id/event, and a store block of the contract's
 * shape. The fixtures themselves are checked against Magento's REST schema (required fields).
 */
class PayloadBuilderTest extends TestCase
{
    /** @return array<string, array{0: string, 1: array<string, mixed>}> */
    public function envelopes(): array
    {
        return Fixtures::envelopes();
    }

    /**
     * The envelopes of events this module sends (consent changes travel the other way: the module
     * applies them from the feedback feed, so it never builds that envelope).
     *
     * @return array<string, array{0: string, 1: array<string, mixed>}>
     */
    public function moduleEnvelopes(): array
    {
        return array_filter(
            Fixtures::envelopes(),
            static fn (array $pair): bool => $pair[1]['event'] !== 'customer.consent_changed'
        );
    }

    public function testFixturesCoverTheLifecycle(): void
    {
        $events = array_map(static fn (array $pair): string => $pair[1]['event'], Fixtures::envelopes());
        foreach (['order.placed', 'order.invoiced', 'shipment.created', 'creditmemo.created', 'cart.abandoned'] as $event) {
            self::assertContains($event, $events);
        }
    }

    /**
     * @dataProvider envelopes
     * @param array<string, mixed> $envelope
     */
    public function testFixtureHasTheRestShape(string $file, array $envelope): void
    {
        $type = RestShape::ENTITY_OF_EVENT[$envelope['event']] ?? null;
        self::assertNotNull($type, 'unknown event in ' . $file);
        self::assertSame([], RestShape::problems($type, $envelope['entity'], 'entity.'), $file);
        if ($type !== 'order' && $type !== 'cart' && $type !== 'subscriber') {
            self::assertIsArray($envelope['order'] ?? null, $file . ' needs the parent order');
            self::assertSame([], RestShape::problems('order', $envelope['order'], 'order.'), $file);
            self::assertSame($envelope['order']['entity_id'], $envelope['entity']['order_id'], $file);
        }
        foreach (['code', 'website', 'locale', 'currency', 'base_url'] as $field) {
            self::assertIsString($envelope['store'][$field] ?? null, $file . ' store.' . $field);
        }
        self::assertMatchesRegularExpression('/^[A-Z]{3}$/', $envelope['store']['currency']);
        if ($envelope['event'] === 'shipment.created') {
            self::assertNotEmpty($envelope['entity']['tracks'], $file . ': the lifecycle shipment carries a track');
        }
    }

    /**
     * @dataProvider moduleEnvelopes
     * @param array<string, mixed> $envelope
     */
    public function testBuilderReproducesTheFixtureEnvelope(string $file, array $envelope): void
    {
        $type = RestShape::ENTITY_OF_EVENT[$envelope['event']];
        $entityId = (int) ($envelope['entity']['entity_id'] ?? $envelope['entity']['id']);
        $orderJson = $envelope['order'] ?? ($type === 'order' ? $envelope['entity'] : null);

        // Repositories return models; the output processor turns them into the REST JSON.
        $models = [];
        $repo = function (string $interface, string $modelType, ?array $json) use (&$models) {
            $mock = $this->createMock($interface);
            $mock->method('get')->willReturnCallback(function ($id) use (&$models, $modelType, $json) {
                if ($json === null || (int) ($json['entity_id'] ?? $json['id']) !== (int) $id) {
                    throw new NoSuchEntityException('No such ' . $modelType . ' ' . $id);
                }
                $model = new DataObject(['type' => $modelType]);
                $models[spl_object_id($model)] = $json;
                return $model;
            });
            return $mock;
        };
        $processor = $this->createMock(ServiceOutputProcessor::class);
        $serviceOf = [];
        $processor->method('process')->willReturnCallback(
            function ($model, string $service, string $method) use (&$models, &$serviceOf) {
                $serviceOf[] = [$model->getData('type'), $service, $method];
                return $models[spl_object_id($model)];
            }
        );

        $scope = FakeScopeConfig::enabled();
        $scope->set('general/locale/code', $envelope['store']['locale'], 1);
        if (isset($envelope['store']['brand'])) {
            $scope->set('exstream_connect/store/brand', $envelope['store']['brand'], 1);
        }
        // An envelope with `products` was built from its root's catalog; one without, from a
        // catalog that no longer knows the products (facts are left out, nothing fails).
        $catalog = isset($envelope['products']) ? Fixtures::catalog($this->sourceOf($file)) : new CatalogDouble();
        foreach ($catalog->config() as $path => $value) {
            $scope->set($path, $value, 1);
        }
        $builder = new PayloadBuilder(
            $repo(OrderRepositoryInterface::class, 'order', $orderJson),
            $repo(InvoiceRepositoryInterface::class, 'invoice', $type === 'invoice' ? $envelope['entity'] : null),
            $repo(ShipmentRepositoryInterface::class, 'shipment', $type === 'shipment' ? $envelope['entity'] : null),
            $repo(CreditmemoRepositoryInterface::class, 'creditmemo', $type === 'creditmemo' ? $envelope['entity'] : null),
            $repo(CartRepositoryInterface::class, 'cart', $type === 'cart' ? $envelope['entity'] : null),
            $processor,
            $this->storeManager($envelope['store']),
            new Config($scope),
            $catalog->collector(new Config($scope))
        );

        $built = $builder->build([
            'idempotency_key' => $envelope['id'],
            'event' => $envelope['event'],
            'entity_type' => $type,
            'entity_id' => $entityId,
            'order_id' => $orderJson['entity_id'] ?? null,
            'store_id' => 1,
            'created_at' => '2026-05-26 14:30:01',
        ]);

        self::assertSame($envelope['id'], $built['id']);
        self::assertSame($envelope['event'], $built['event']);
        self::assertSame($envelope['entity'], $built['entity']);
        if ($type === 'order' || $type === 'cart') {
            self::assertArrayNotHasKey('order', $built);
        } else {
            self::assertSame($envelope['order'], $built['order']);
        }
        foreach (['code', 'website', 'locale', 'currency', 'base_url', 'brand'] as $field) {
            if (isset($envelope['store'][$field])) {
                self::assertSame($envelope['store'][$field], $built['store'][$field], 'store.' . $field);
            }
        }
        self::assertSame(['email'], $built['store']['channels']);
        foreach (array_keys((array) ($envelope['detail'] ?? [])) as $key) {
            self::assertArrayHasKey($key, $built['detail'] ?? [], 'detail.' . $key);
        }
        self::assertSame('2026-05-26 14:30:01', $built['occurred_at']);
        if (isset($envelope['products'])) {
            self::assertSame($envelope['products'], $built['products'], 'products, from the catalog');
            foreach ($catalog->calls as [$call, $key, $storeId]) {
                if ($call !== 'attributeSet.get') {
                    self::assertSame(1, $storeId, $call . ' ' . $key . ' read in the entity\'s store view');
                }
            }
        } else {
            self::assertArrayNotHasKey('products', $built);
        }
        // every entity went through its own service contract's "get"
        foreach ($serviceOf as [$modelType, $service, $method]) {
            self::assertSame('get', $method);
            self::assertStringContainsStringIgnoringCase(
                $modelType === 'cart' ? 'CartRepository' : $modelType . 'Repository',
                $service
            );
        }
        // and the result survives JSON encoding as the dispatcher does it
        $json = json_encode($built, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION);
        self::assertSame($built['entity']['increment_id'] ?? null, json_decode($json, true)['entity']['increment_id'] ?? null);
    }

    public function testBackorderDetailNamesTheItems(): void
    {
        $order = Fixtures::json(Fixtures::moduleDir() . '/magento/order.json');
        $order['items'][1]['qty_backordered'] = 1;
        $orders = $this->createMock(OrderRepositoryInterface::class);
        $orders->method('get')->willReturn(new DataObject());
        $processor = $this->createMock(ServiceOutputProcessor::class);
        $processor->method('process')->willReturn($order);
        $builder = new PayloadBuilder(
            $orders,
            $this->createMock(InvoiceRepositoryInterface::class),
            $this->createMock(ShipmentRepositoryInterface::class),
            $this->createMock(CreditmemoRepositoryInterface::class),
            $this->createMock(CartRepositoryInterface::class),
            $processor,
            $this->storeManager(['code' => 'default', 'website' => 'base', 'currency' => 'USD', 'base_url' => 'https://x/']),
            new Config(FakeScopeConfig::enabled()),
            (new CatalogDouble())->collector(new Config(FakeScopeConfig::enabled()))
        );
        $built = $builder->build(['idempotency_key' => 'order:142:backordered', 'event' => 'order.backordered',
            'entity_type' => 'order', 'entity_id' => 142, 'order_id' => 142, 'store_id' => 1]);

        self::assertSame(['reason' => '1 item(s) on backorder: BAG-TOTE-NAT', 'expected_at' => null], $built['detail']);
        self::assertArrayNotHasKey('brand', $built['store'], 'no brand configured => omitted');
        self::assertArrayNotHasKey('occurred_at', $built);
    }

    public function testCartRecoveryLinkOnlyForSignedInCustomers(): void
    {
        $cart = Fixtures::json(Fixtures::moduleDir() . '/magento/cart.json');
        $build = function (array $cart): array {
            $carts = $this->createMock(CartRepositoryInterface::class);
            $carts->method('get')->with(905)->willReturn(new DataObject());
            $processor = $this->createMock(ServiceOutputProcessor::class);
            $processor->method('process')->willReturn($cart);
            return (new PayloadBuilder(
                $this->createMock(OrderRepositoryInterface::class),
                $this->createMock(InvoiceRepositoryInterface::class),
                $this->createMock(ShipmentRepositoryInterface::class),
                $this->createMock(CreditmemoRepositoryInterface::class),
                $carts,
                $processor,
                $this->storeManager(
                    ['code' => 'fr', 'website' => 'base', 'currency' => 'EUR', 'base_url' => 'https://shop.example.com/fr/']
                ),
                new Config(FakeScopeConfig::enabled()),
                (new CatalogDouble())->collector(new Config(FakeScopeConfig::enabled()))
            ))->build(['idempotency_key' => 'cart:905:1', 'event' => 'cart.abandoned', 'entity_type' => 'cart',
                'entity_id' => 905, 'order_id' => null, 'store_id' => 1]);
        };

        self::assertSame('https://shop.example.com/fr/checkout/cart/', $build($cart)['detail']['recovery_url']);
        $cart['customer_is_guest'] = true;
        $cart['customer']['id'] = null;
        self::assertNull($build($cart)['detail']['recovery_url']);
        self::assertArrayNotHasKey('order', $build($cart));
    }

    public function testUnknownEntityTypeIsRejected(): void
    {
        $builder = new PayloadBuilder(
            $this->createMock(OrderRepositoryInterface::class),
            $this->createMock(InvoiceRepositoryInterface::class),
            $this->createMock(ShipmentRepositoryInterface::class),
            $this->createMock(CreditmemoRepositoryInterface::class),
            $this->createMock(CartRepositoryInterface::class),
            $this->createMock(ServiceOutputProcessor::class),
            $this->createMock(StoreManagerInterface::class),
            new Config(FakeScopeConfig::enabled()),
            (new CatalogDouble())->collector(new Config(FakeScopeConfig::enabled()))
        );
        $this->expectException(\InvalidArgumentException::class);
        $builder->build(['idempotency_key' => 'x', 'event' => 'order.placed', 'entity_type' => 'customer',
            'entity_id' => 1, 'store_id' => 1]);
    }

    /** "core" or "module": the fixture root (Fixtures::magentoDirs()) a fixture file is under. */
    private function sourceOf(string $file): string
    {
        foreach (Fixtures::magentoDirs() as $source => $dir) {
            if (strncmp((string) realpath($file), (string) realpath($dir) . '/', strlen((string) realpath($dir)) + 1) === 0) {
                return (string) $source;
            }
        }
        throw new \RuntimeException($file . ' is under no fixture root');
    }

    /**
     * @param array<string, string> $block
     */
    private function storeManager(array $block): StoreManagerInterface
    {
        $store = new Store([
            'store_id' => 1, 'code' => $block['code'], 'website_id' => 1,
            'base_currency_code' => $block['currency'], 'base_url' => $block['base_url'],
        ]);
        $manager = $this->createMock(StoreManagerInterface::class);
        $manager->method('getStore')->with(1)->willReturn($store);
        $manager->method('getWebsite')->with(1)->willReturn(new Website(['website_id' => 1, 'code' => $block['website']]));
        return $manager;
    }
}
