<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

use Magento\Framework\App\Config\ScopeConfigInterface;
use Magento\Store\Model\ScopeInterface;

/**
 * Reads the module's configuration. Every per-store value is read with the store view of the
 * entity being processed (SCOPE_STORE + store id): cron and admin run in the default scope, so
 * reading without a scope would silently return the global value.
 */
class Config
{
    public const SECTION = 'exstream_connect';
    public const XML_PATH_ENABLED = 'exstream_connect/general/enabled';
    public const XML_PATH_SIDECAR_URL = 'exstream_connect/general/sidecar_url';
    public const XML_PATH_STORE_KEY = 'exstream_connect/general/store_key';
    public const XML_PATH_SHARED_SECRET = 'exstream_connect/general/shared_secret';
    public const XML_PATH_TIMEOUT = 'exstream_connect/general/timeout';
    public const XML_PATH_ADMIN_TIMEOUT = 'exstream_connect/general/admin_timeout';
    public const XML_PATH_BRAND = 'exstream_connect/store/brand';
    public const XML_PATH_LOCALE_OVERRIDE = 'exstream_connect/store/locale_override';
    public const XML_PATH_CHANNELS = 'exstream_connect/store/channels';
    public const XML_PATH_PRODUCT_TYPE_ATTRIBUTE = 'exstream_connect/products/product_type_attribute';
    public const XML_PATH_TAGS_ATTRIBUTE = 'exstream_connect/products/tags_attribute';
    public const XML_PATH_EVENTS_PREFIX = 'exstream_connect/events/';
    public const XML_PATH_CART_DELAY = 'exstream_connect/abandoned_cart/delay_minutes';
    public const XML_PATH_CART_LOOKBACK = 'exstream_connect/abandoned_cart/lookback_hours';
    public const XML_PATH_ORDER_COMMENTS = 'exstream_connect/feedback/order_comments';
    public const XML_PATH_APPLY_CONSENT = 'exstream_connect/feedback/apply_consent';
    public const XML_PATH_BATCH_SIZE = 'exstream_connect/advanced/batch_size';
    public const XML_PATH_MAX_ATTEMPTS = 'exstream_connect/advanced/max_attempts';
    public const XML_PATH_RETENTION_DAYS = 'exstream_connect/advanced/retention_days';
    public const XML_PATH_STORE_LOCALE = 'general/locale/code';

    public const CHANNELS = ['email', 'print', 'web', 'sms', 'archive'];

    public function __construct(private readonly ScopeConfigInterface $scopeConfig)
    {
    }

    public function isEnabled(int $storeId): bool
    {
        return $this->scopeConfig->isSetFlag(self::XML_PATH_ENABLED, ScopeInterface::SCOPE_STORE, $storeId);
    }

    public function isEventEnabled(string $event, int $storeId): bool
    {
        $field = Events::TOGGLES[$event] ?? null;
        if ($field === null || !$this->isEnabled($storeId)) {
            return false;
        }
        return $this->scopeConfig->isSetFlag(
            self::XML_PATH_EVENTS_PREFIX . $field,
            ScopeInterface::SCOPE_STORE,
            $storeId
        );
    }

    /**
     * The sidecar connection of a store view, or null when the module is off or incomplete there.
     * The secret comes back decrypted because config.xml declares its Encrypted backend model.
     */
    public function getConnection(int $storeId): ?Connection
    {
        if (!$this->isEnabled($storeId)) {
            return null;
        }
        $url = rtrim(trim((string) $this->value(self::XML_PATH_SIDECAR_URL, $storeId)), '/');
        $storeKey = trim((string) $this->value(self::XML_PATH_STORE_KEY, $storeId));
        $secret = (string) $this->value(self::XML_PATH_SHARED_SECRET, $storeId);
        if ($url === '' || $storeKey === '' || $secret === '') {
            return null;
        }
        $timeout = $this->boundedInt(self::XML_PATH_TIMEOUT, $storeId, 5, 1, 30);
        return new Connection($url, $storeKey, $secret, $timeout);
    }

    /** The order-view tab waits at most this long for the sidecar. */
    public function getAdminTimeout(int $storeId): int
    {
        return $this->boundedInt(self::XML_PATH_ADMIN_TIMEOUT, $storeId, 2, 1, 10);
    }

    public function getBrand(int $storeId): ?string
    {
        $brand = trim((string) $this->value(self::XML_PATH_BRAND, $storeId));
        return $brand === '' ? null : $brand;
    }

    /** Locale override if set, else the store view's own locale ("fr_CA"). */
    public function getLocale(int $storeId): string
    {
        $override = trim((string) $this->value(self::XML_PATH_LOCALE_OVERRIDE, $storeId));
        if ($override !== '') {
            return $override;
        }
        $locale = trim((string) $this->value(self::XML_PATH_STORE_LOCALE, $storeId));
        return $locale === '' ? 'en_US' : $locale;
    }

    /**
     * The store view's allowed channels, sent as `store.channels`: the sidecar plans only rules of
     * these channels for its events. Unset or nothing valid: every channel (the rules decide).
     *
     * @return string[]
     */
    public function getChannels(int $storeId): array
    {
        $raw = (string) $this->value(self::XML_PATH_CHANNELS, $storeId);
        $channels = array_values(array_filter(
            array_map('trim', explode(',', $raw)),
            static fn (string $c): bool => in_array($c, self::CHANNELS, true)
        ));
        return $channels === [] ? self::CHANNELS : array_values(array_unique($channels));
    }

    /**
     * The product attribute whose value is the merchant's "product type" for template rules
     * (e.g. a "warranty_class" dropdown), or null: the attribute set name is used instead.
     */
    public function getProductTypeAttribute(int $storeId): ?string
    {
        return $this->attributeCode(self::XML_PATH_PRODUCT_TYPE_ATTRIBUTE, $storeId);
    }

    /** The product attribute (multiselect or comma-separated text) read as product tags, or null: no tags. */
    public function getTagsAttribute(int $storeId): ?string
    {
        return $this->attributeCode(self::XML_PATH_TAGS_ATTRIBUTE, $storeId);
    }

    public function getAbandonedCartDelayMinutes(int $storeId): int
    {
        return $this->boundedInt(self::XML_PATH_CART_DELAY, $storeId, 60, 15, 10080);
    }

    public function getAbandonedCartLookbackHours(int $storeId): int
    {
        return $this->boundedInt(self::XML_PATH_CART_LOOKBACK, $storeId, 48, 1, 720);
    }

    public function isOrderCommentsEnabled(int $storeId): bool
    {
        return $this->scopeConfig->isSetFlag(self::XML_PATH_ORDER_COMMENTS, ScopeInterface::SCOPE_STORE, $storeId);
    }

    public function isApplyConsentEnabled(int $storeId): bool
    {
        return $this->scopeConfig->isSetFlag(self::XML_PATH_APPLY_CONSENT, ScopeInterface::SCOPE_STORE, $storeId);
    }

    public function getBatchSize(): int
    {
        return $this->boundedDefaultInt(self::XML_PATH_BATCH_SIZE, 50, 1, 500);
    }

    public function getMaxAttempts(): int
    {
        return $this->boundedDefaultInt(self::XML_PATH_MAX_ATTEMPTS, 8, 1, 20);
    }

    public function getRetentionDays(): int
    {
        return $this->boundedDefaultInt(self::XML_PATH_RETENTION_DAYS, 30, 1, 3650);
    }

    /**
     * @return mixed
     */
    private function value(string $path, int $storeId)
    {
        return $this->scopeConfig->getValue($path, ScopeInterface::SCOPE_STORE, $storeId);
    }

    /** An EAV attribute code ("warranty_class"); anything else counts as unset. */
    private function attributeCode(string $path, int $storeId): ?string
    {
        $code = trim((string) $this->value($path, $storeId));
        return preg_match('/^[a-z][a-z0-9_]{0,59}$/', $code) === 1 ? $code : null;
    }

    private function boundedInt(string $path, int $storeId, int $default, int $min, int $max): int
    {
        return $this->bound($this->value($path, $storeId), $default, $min, $max);
    }

    private function boundedDefaultInt(string $path, int $default, int $min, int $max): int
    {
        return $this->bound(
            $this->scopeConfig->getValue($path, ScopeConfigInterface::SCOPE_TYPE_DEFAULT),
            $default,
            $min,
            $max
        );
    }

    /**
     * @param mixed $raw
     */
    private function bound($raw, int $default, int $min, int $max): int
    {
        if ($raw === null || $raw === '' || !is_numeric($raw)) {
            return $default;
        }
        return max($min, min($max, (int) $raw));
    }
}
