<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Support;

use Magento\Framework\App\Config\ScopeConfigInterface;

/**
 * Scope config with per-store values over defaults. Records every read so tests can assert the
 * scope each value was read with.
 */
class FakeScopeConfig implements ScopeConfigInterface
{
    /** @var array<int, array{0: string, 1: string, 2: mixed}> */
    public array $reads = [];

    /**
     * @param array<string, mixed> $defaults path => value
     * @param array<int, array<string, mixed>> $stores store id => [path => value]
     */
    public function __construct(private array $defaults = [], private array $stores = [])
    {
    }

    public function set(string $path, $value, ?int $storeId = null): void
    {
        if ($storeId === null) {
            $this->defaults[$path] = $value;
        } else {
            $this->stores[$storeId][$path] = $value;
        }
    }

    public function getValue($path, $scopeType = self::SCOPE_TYPE_DEFAULT, $scopeCode = null)
    {
        $this->reads[] = [$path, (string) $scopeType, $scopeCode];
        if ($scopeType === 'store' && $scopeCode !== null && array_key_exists($path, $this->stores[(int) $scopeCode] ?? [])) {
            return $this->stores[(int) $scopeCode][$path];
        }
        return $this->defaults[$path] ?? null;
    }

    public function isSetFlag($path, $scopeType = self::SCOPE_TYPE_DEFAULT, $scopeCode = null)
    {
        return (bool) $this->getValue($path, $scopeType, $scopeCode);
    }

    /** A complete, enabled configuration. */
    public static function enabled(): self
    {
        return new self([
            'exstream_connect/general/enabled' => '1',
            'exstream_connect/general/sidecar_url' => 'https://sidecar.example.com/',
            'exstream_connect/general/store_key' => 'demo-magento',
            'exstream_connect/general/shared_secret' => 'demo-magento-secret',
            'exstream_connect/general/timeout' => '5',
            'exstream_connect/general/admin_timeout' => '2',
            'exstream_connect/store/channels' => 'email',
            'exstream_connect/events/order_placed' => '1',
            'exstream_connect/events/order_invoiced' => '1',
            'exstream_connect/events/shipment_created' => '1',
            'exstream_connect/events/shipment_track_added' => '1',
            'exstream_connect/events/creditmemo_created' => '1',
            'exstream_connect/events/order_cancelled' => '1',
            'exstream_connect/events/order_delayed' => '1',
            'exstream_connect/events/order_backordered' => '1',
            'exstream_connect/events/cart_abandoned' => '1',
            'exstream_connect/feedback/order_comments' => '1',
            'exstream_connect/feedback/apply_consent' => '1',
            'general/locale/code' => 'en_US',
        ]);
    }
}
