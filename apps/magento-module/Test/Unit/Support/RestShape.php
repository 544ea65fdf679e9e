<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Support;

/**
 * Required fields of Magento 2.4's REST schemas (sales-data-*-interface, quote-data-cart-interface)
 * for the entities the module sends; shared/docs/magento-notes.md section 5. Returns the problems
 * as "path: message" strings, empty when the entity has the REST shape.
 */
final class RestShape
{
    private const SCALARS = [
        'order' => [
            'entity_id' => 'int', 'increment_id' => 'string', 'state' => 'string', 'status' => 'string',
            'customer_email' => 'string', 'store_id' => 'int', 'order_currency_code' => 'string',
            'base_currency_code' => 'string', 'grand_total' => 'number', 'base_grand_total' => 'number',
            'created_at' => 'datetime',
        ],
        'invoice' => [
            'entity_id' => 'int', 'order_id' => 'int', 'increment_id' => 'string', 'grand_total' => 'number',
            'total_qty' => 'number', 'order_currency_code' => 'string', 'created_at' => 'datetime',
        ],
        'shipment' => [
            'entity_id' => 'int', 'order_id' => 'int', 'increment_id' => 'string', 'created_at' => 'datetime',
        ],
        'creditmemo' => [
            'entity_id' => 'int', 'order_id' => 'int', 'increment_id' => 'string', 'grand_total' => 'number',
            'order_currency_code' => 'string', 'created_at' => 'datetime',
        ],
        'cart' => [
            'id' => 'int', 'store_id' => 'int', 'updated_at' => 'datetime',
        ],
        'subscriber' => [
            'subscriber_id' => 'int', 'store_id' => 'int', 'subscriber_email' => 'string', 'subscriber_status' => 'int',
        ],
    ];
    private const ITEM_FIELDS = [
        'order' => ['sku' => 'string', 'qty_ordered' => 'number', 'item_id' => 'int'],
        'invoice' => ['sku' => 'string', 'qty' => 'number', 'order_item_id' => 'int'],
        'shipment' => ['qty' => 'number', 'order_item_id' => 'int'],
        'creditmemo' => ['qty' => 'number', 'order_item_id' => 'int', 'base_price' => 'number'],
        'cart' => ['sku' => 'string', 'qty' => 'number'],
    ];
    private const ADDRESS_FIELDS = ['address_type', 'firstname', 'lastname', 'city', 'postcode', 'country_id', 'telephone'];

    /** Entity type of each envelope event. */
    public const ENTITY_OF_EVENT = [
        'order.placed' => 'order', 'order.cancelled' => 'order', 'order.delayed' => 'order',
        'order.backordered' => 'order', 'order.invoiced' => 'invoice', 'shipment.created' => 'shipment',
        'shipment.track_added' => 'shipment', 'creditmemo.created' => 'creditmemo', 'cart.abandoned' => 'cart',
        'customer.consent_changed' => 'subscriber',
    ];

    /**
     * @param array<string, mixed> $entity
     * @return string[]
     */
    public static function problems(string $type, array $entity, string $prefix = ''): array
    {
        $problems = [];
        foreach (self::SCALARS[$type] as $field => $kind) {
            $problems = array_merge($problems, self::check($entity, $field, $kind, $prefix));
        }
        if ($type === 'subscriber') {
            return $problems;
        }
        if (!isset($entity['items']) || !is_array($entity['items']) || $entity['items'] === []) {
            $problems[] = $prefix . 'items: expected a non-empty array';
        } else {
            foreach ($entity['items'] as $i => $item) {
                foreach (self::ITEM_FIELDS[$type] as $field => $kind) {
                    $problems = array_merge($problems, self::check((array) $item, $field, $kind, $prefix . "items[$i]."));
                }
            }
        }
        if ($type === 'order') {
            foreach (self::ADDRESS_FIELDS as $field) {
                if (!isset($entity['billing_address'][$field]) || !is_string($entity['billing_address'][$field])) {
                    $problems[] = $prefix . "billing_address.$field: expected a string";
                }
            }
            if (!isset($entity['payment']['method']) || !is_string($entity['payment']['method'])) {
                $problems[] = $prefix . 'payment.method: expected a string';
            }
            $shipping = $entity['extension_attributes']['shipping_assignments'][0]['shipping']['address'] ?? null;
            if (empty($entity['is_virtual']) && !is_array($shipping)) {
                $problems[] = $prefix . 'extension_attributes.shipping_assignments[0].shipping.address: missing';
            }
        }
        if ($type === 'shipment') {
            foreach ((array) ($entity['tracks'] ?? []) as $i => $track) {
                foreach (['track_number', 'carrier_code', 'title'] as $field) {
                    $problems = array_merge($problems, self::check((array) $track, $field, 'string', $prefix . "tracks[$i]."));
                }
            }
        }
        if ($type === 'cart') {
            if (!isset($entity['customer']['email']) || !is_string($entity['customer']['email'])) {
                $problems[] = $prefix . 'customer.email: expected a string';
            }
        }
        return $problems;
    }

    /**
     * @param array<string, mixed> $data
     * @return string[]
     */
    private static function check(array $data, string $field, string $kind, string $prefix): array
    {
        if (!array_key_exists($field, $data)) {
            return [$prefix . $field . ': missing'];
        }
        $value = $data[$field];
        $ok = false;
        switch ($kind) {
            case 'int':
                $ok = is_int($value);
                break;
            case 'number':
                $ok = is_int($value) || is_float($value);
                break;
            case 'string':
                $ok = is_string($value) && $value !== '';
                break;
            case 'datetime':
                $ok = is_string($value) && preg_match('/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/', $value) === 1;
                break;
        }
        return $ok ? [] : [$prefix . $field . ': expected ' . $kind];
    }
}
