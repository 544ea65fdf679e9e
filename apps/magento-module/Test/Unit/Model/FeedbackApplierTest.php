<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Feedback\FeedbackApplier;
use ExstreamConnect\Connector\Test\Unit\Support\FakeScopeConfig;
use ExstreamConnect\Connector\Test\Unit\Support\Fixtures;
use Magento\Framework\Api\SearchCriteria;
use Magento\Framework\Api\SearchCriteriaBuilder;
use Magento\Newsletter\Model\Subscriber;
use Magento\Newsletter\Model\SubscriberFactory;
use Magento\Newsletter\Model\SubscriptionManagerInterface;
use Magento\Sales\Api\Data\OrderSearchResultInterface;
use Magento\Sales\Api\OrderRepositoryInterface;
use Magento\Sales\Api\OrderStatusHistoryRepositoryInterface;
use Magento\Sales\Model\Order;
use Magento\Store\Model\Store;
use Magento\Store\Model\StoreManagerInterface;
use PHPUnit\Framework\MockObject\MockObject;
use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;

/**
 * Runs on the feed page the Node side validates against the engine's ZFeedbackItem schema
 * (Test/fixtures/feedback/feed-page.json, checked by apps/magento-sidecar/test/feedback-feed.test.ts),
 * so both sides agree on one item shape.
 */
class FeedbackApplierTest extends TestCase
{
    /** The sidecar store serves three store views; "fr" is NOT the first of them. */
    private const STORE_IDS = [1, 2, 3];

    private FakeScopeConfig $scope;
    /** @var OrderRepositoryInterface&MockObject */
    private $orders;
    /** @var OrderStatusHistoryRepositoryInterface&MockObject */
    private $history;
    /** @var SubscriptionManagerInterface&MockObject */
    private $subscriptions;
    private ?SearchCriteria $criteria = null;
    /** @var Order[] */
    private array $found = [];
    private Subscriber $subscriber;
    /** @var array<int, array{0: string, 1: int}> loadBySubscriberEmail calls */
    private array $lookups = [];
    /** @var array<int, array{0: string, 1: string, 2: array<string, mixed>}> */
    private array $logged = [];

    protected function setUp(): void
    {
        $this->scope = FakeScopeConfig::enabled();
        $this->orders = $this->createMock(OrderRepositoryInterface::class);
        $this->orders->method('getList')->willReturnCallback(function (SearchCriteria $criteria) {
            $this->criteria = $criteria;
            $result = $this->createMock(OrderSearchResultInterface::class);
            $result->method('getItems')->willReturn($this->found);
            return $result;
        });
        $this->history = $this->createMock(OrderStatusHistoryRepositoryInterface::class);
        $this->subscriptions = $this->createMock(SubscriptionManagerInterface::class);
        $lookups = &$this->lookups;
        $this->subscriber = new class ($lookups) extends Subscriber {
            /** @param array<int, array{0: string, 1: int}> $lookups */
            public function __construct(private array &$lookups)
            {
                parent::__construct(['subscriber_id' => 7, 'id' => 7, 'subscriber_status' => Subscriber::STATUS_SUBSCRIBED]);
            }

            public function loadBySubscriberEmail(string $subscriberEmail, int $websiteId)
            {
                $this->lookups[] = [$subscriberEmail, $websiteId];
                return $this;
            }
        };
    }

    private function applier(): FeedbackApplier
    {
        $factory = $this->createMock(SubscriberFactory::class);
        $factory->method('create')->willReturn($this->subscriber);
        $views = [
            1 => new Store(['store_id' => 1, 'code' => 'default', 'website_id' => 1]),
            2 => new Store(['store_id' => 2, 'code' => 'fr', 'website_id' => 1]),
            3 => new Store(['store_id' => 3, 'code' => 'de', 'website_id' => 4]),
        ];
        $stores = $this->createMock(StoreManagerInterface::class);
        $stores->method('getStore')->willReturnCallback(static fn ($id) => $views[(int) $id]);
        $logger = $this->createMock(LoggerInterface::class);
        foreach (['info', 'warning'] as $level) {
            $logger->method($level)->willReturnCallback(function ($message, array $context = []) use ($level): void {
                $this->logged[] = [$level, (string) $message, $context];
            });
        }
        return new FeedbackApplier(
            new Config($this->scope),
            $this->orders,
            $this->history,
            new SearchCriteriaBuilder(),
            $this->subscriptions,
            $factory,
            $stores,
            $logger
        );
    }

    /**
     * The feed fixture's items, by position, optionally changed.
     *
     * @param array<string, mixed> $overrides
     * @return array<string, mixed>
     */
    private function item(int $index, array $overrides = []): array
    {
        $items = Fixtures::json(Fixtures::moduleDir() . '/feedback/feed-page.json')['items'];
        return array_merge($items[$index], $overrides);
    }

    public function testTheSharedFixtureHoldsEveryKindOfItem(): void
    {
        $page = Fixtures::json(Fixtures::moduleDir() . '/feedback/feed-page.json');
        $kinds = array_map(
            static fn (array $i): string => $i['type'] . ':' . ($i['status'] ?? $i['state']),
            $page['items']
        );
        self::assertContains('communication_status:bounced', $kinds);
        self::assertContains('consent_changed:opted_out', $kinds);
        self::assertContains('consent_changed:bounced', $kinds);
        self::assertSame(end($page['items'])['cursor'], $page['nextCursor']);
    }

    public function testADeliveryOutcomeBecomesOneMaskedCommentOnTheOrderOfTheItemsStoreView(): void
    {
        $order = new Order(['entity_id' => 142, 'store_id' => 2, 'status' => 'complete']);
        $this->found = [$order];
        $saved = null;
        $this->history->expects(self::once())->method('save')->willReturnCallback(function ($h) use (&$saved) {
            $saved = $h;
            return $h;
        });

        self::assertTrue($this->applier()->apply($this->item(0), self::STORE_IDS));

        self::assertSame(
            [['increment_id', '000000142', 'eq'], ['store_id', [2], 'in']],
            $this->criteria->getData('filters'),
            'increment ids repeat across store views: looked up in the item\'s store view "fr" only'
        );
        self::assertSame(
            'Exstream: shipping notice (email) bounced - 550 5.1.1 Mailbox j***@example.com does not exist',
            $saved->getData('comment')
        );
        self::assertSame(0, $saved->getData('is_customer_notified'));
        self::assertSame(0, $saved->getData('is_visible_on_front'));
    }

    public function testAStatusWithoutAStoreCodeIsLookedUpInEveryStoreViewOfTheSidecarStore(): void
    {
        $this->found = [new Order(['entity_id' => 142, 'store_id' => 2])];
        self::assertTrue($this->applier()->apply($this->item(1, ['storeCode' => null]), self::STORE_IDS));
        self::assertSame(['store_id', self::STORE_IDS, 'in'], $this->criteria->getData('filters')[1]);
    }

    public function testNoiseStatusesUnknownOrdersAndDisabledCommentsChangeNothing(): void
    {
        $this->history->expects(self::never())->method('save');
        $applier = $this->applier();

        self::assertFalse($applier->apply($this->item(0, ['status' => 'opened']), self::STORE_IDS));
        self::assertFalse($applier->apply($this->item(0, ['status' => 'sent']), self::STORE_IDS));
        $this->found = [];
        self::assertFalse($applier->apply($this->item(0), self::STORE_IDS));
        $this->found = [new Order(['entity_id' => 1, 'store_id' => 2])];
        $this->scope->set('exstream_connect/feedback/order_comments', '0', 2);
        self::assertFalse($applier->apply($this->item(0), self::STORE_IDS));
        self::assertFalse($applier->apply($this->item(0, ['orderRef' => null]), self::STORE_IDS));
        self::assertFalse($applier->apply(['type' => 'other'], self::STORE_IDS));
        self::assertFalse($applier->apply($this->item(0), []));
    }

    public function testACustomerOptOutUnsubscribesTheCustomerInTheItemsStoreViewNotTheFirstOne(): void
    {
        $this->subscriptions->expects(self::once())->method('unsubscribeCustomer')->with(88, 2);
        self::assertTrue($this->applier()->apply($this->item(2), self::STORE_IDS));
        self::assertSame([], $this->lookups, 'a known customer is found by id, not by address');
    }

    public function testAGuestOptOutUnsubscribesTheSubscriberOfTheItemsWebsite(): void
    {
        self::assertTrue($this->applier()->apply($this->item(3), self::STORE_IDS));
        // Store view "de" (id 3) belongs to website 4; the first store view's website is 1.
        self::assertSame([['gast.kaeufer@example.com', 4]], $this->lookups);
        self::assertSame(Subscriber::STATUS_UNSUBSCRIBED, $this->subscriber->getData('subscriber_status'));
        // Already unsubscribed: nothing to change.
        self::assertFalse($this->applier()->apply($this->item(3), self::STORE_IDS));
    }

    public function testABounceLeavesTheNewsletterAloneAndLogsTheAddressMasked(): void
    {
        $this->subscriptions->expects(self::never())->method(self::anything());
        self::assertFalse($this->applier()->apply($this->item(4), self::STORE_IDS));
        self::assertSame([], $this->lookups);
        self::assertSame(Subscriber::STATUS_SUBSCRIBED, $this->subscriber->getData('subscriber_status'));
        self::assertCount(1, $this->logged);
        self::assertStringContainsString('bounced', $this->logged[0][1]);
        self::assertSame('n***@example.com', $this->logged[0][2]['email']);
    }

    public function testOtherChannelsOptInsForeignStoreViewsAndDisabledConsentChangeNothing(): void
    {
        $this->subscriptions->expects(self::never())->method(self::anything());
        $applier = $this->applier();
        self::assertFalse($applier->apply($this->item(5), self::STORE_IDS), 'sms has no Magento counterpart');
        self::assertFalse($applier->apply($this->item(2, ['state' => 'opted_in']), self::STORE_IDS), 'opt-ins happen in Magento');
        self::assertFalse($applier->apply($this->item(2, ['storeCode' => 'it']), self::STORE_IDS), 'not a store view of ours');
        self::assertFalse($applier->apply($this->item(2, ['storeCode' => null]), self::STORE_IDS), 'no code, several store views');
        self::assertFalse($applier->apply($this->item(3, ['customerId' => null, 'email' => null]), self::STORE_IDS));
        $this->scope->set('exstream_connect/feedback/apply_consent', '0', 2);
        self::assertFalse($applier->apply($this->item(2), self::STORE_IDS));
        self::assertSame([], $this->lookups);
    }

    public function testAnItemWithoutAStoreCodeIsAppliedWhenTheSidecarStoreServesOneStoreView(): void
    {
        $this->subscriptions->expects(self::once())->method('unsubscribeCustomer')->with(88, 3);
        self::assertTrue($this->applier()->apply($this->item(2, ['storeCode' => null]), [3]));
    }

    public function testLogsNeverHoldAFullAddress(): void
    {
        $this->subscriptions->method('unsubscribeCustomer');
        $applier = $this->applier();
        foreach ([2, 3, 4] as $index) {
            $applier->apply($this->item($index), self::STORE_IDS);
        }
        $applier->apply($this->item(2, ['storeCode' => 'it']), self::STORE_IDS);
        self::assertNotEmpty($this->logged);
        $text = json_encode($this->logged);
        foreach (['paul.martin+optout@example.com', 'gast.kaeufer@example.com', 'no.such.box@example.com'] as $address) {
            self::assertStringNotContainsString($address, (string) $text);
        }
    }
}
