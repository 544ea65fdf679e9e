<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

/**
 * The envelope event names the sidecar accepts, and the config toggle of each.
 */
final class Events
{
    public const ORDER_PLACED = 'order.placed';
    public const ORDER_INVOICED = 'order.invoiced';
    public const SHIPMENT_CREATED = 'shipment.created';
    public const SHIPMENT_TRACK_ADDED = 'shipment.track_added';
    public const CREDITMEMO_CREATED = 'creditmemo.created';
    public const ORDER_CANCELLED = 'order.cancelled';
    public const ORDER_DELAYED = 'order.delayed';
    public const ORDER_BACKORDERED = 'order.backordered';
    public const CART_ABANDONED = 'cart.abandoned';

    public const ENTITY_ORDER = 'order';
    public const ENTITY_INVOICE = 'invoice';
    public const ENTITY_SHIPMENT = 'shipment';
    public const ENTITY_CREDITMEMO = 'creditmemo';
    public const ENTITY_CART = 'cart';

    /** Event name => field id under exstream_connect/events. */
    public const TOGGLES = [
        self::ORDER_PLACED => 'order_placed',
        self::ORDER_INVOICED => 'order_invoiced',
        self::SHIPMENT_CREATED => 'shipment_created',
        self::SHIPMENT_TRACK_ADDED => 'shipment_track_added',
        self::CREDITMEMO_CREATED => 'creditmemo_created',
        self::ORDER_CANCELLED => 'order_cancelled',
        self::ORDER_DELAYED => 'order_delayed',
        self::ORDER_BACKORDERED => 'order_backordered',
        self::CART_ABANDONED => 'cart_abandoned',
    ];

    private function __construct()
    {
    }
}
