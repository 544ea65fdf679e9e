<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Controller;

use ExstreamConnect\Connector\Block\Adminhtml\Order\Timeline;
use ExstreamConnect\Connector\Controller\Adminhtml\Timeline\Document;
use ExstreamConnect\Connector\Controller\Adminhtml\Timeline\Index;
use ExstreamConnect\Connector\Controller\Adminhtml\Timeline\Resend;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use ExstreamConnect\Connector\Model\SidecarResponse;
use ExstreamConnect\Connector\Model\Timeline\TimelineProvider;
use ExstreamConnect\Connector\Test\Unit\Support\AdminDoubles;
use ExstreamConnect\Connector\Test\Unit\Support\FakeScopeConfig;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Framework\View\LayoutFactory;
use Magento\Framework\View\LayoutInterface;
use Magento\Sales\Api\OrderRepositoryInterface;
use Magento\Sales\Model\Order;
use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;

class TimelineControllersTest extends TestCase
{
    private function orders(): OrderRepositoryInterface
    {
        $orders = $this->createMock(OrderRepositoryInterface::class);
        $orders->method('get')->willReturnCallback(static function ($id) {
            if ((int) $id !== 142) {
                throw new NoSuchEntityException('No such entity');
            }
            return new Order(['entity_id' => 142, 'increment_id' => '000000142', 'store_id' => 1]);
        });
        return $orders;
    }

    /**
     * @param string[] $allowed
     * @return array{0: \Magento\Framework\Controller\Result\Raw, 1: string}
     */
    private function renderTab(SidecarClient $client, array $outboxRows, array $allowed = []): array
    {
        $outbox = $this->createMock(OutboxStore::class);
        $outbox->method('forOrder')->willReturn($outboxRows);
        $provider = new TimelineProvider(
            new Config(FakeScopeConfig::enabled()),
            $client,
            $outbox,
            $this->createMock(LoggerInterface::class)
        );
        $layout = $this->createMock(LayoutInterface::class);
        $layout->method('createBlock')->willReturnCallback(
            function (string $type, string $name, array $arguments) use ($allowed) {
                self::assertSame(Timeline::class, $type);
                return new Timeline(AdminDoubles::blockContext([], $allowed), $arguments['data']);
            }
        );
        $layoutFactory = $this->createMock(LayoutFactory::class);
        $layoutFactory->method('create')->willReturn($layout);
        $controller = new Index(
            AdminDoubles::actionContext(['order_id' => '142'], AdminDoubles::messages()),
            $this->orders(),
            $provider,
            $layoutFactory
        );
        $result = $controller->execute();
        return [$result, (string) $result->stubContents()];
    }

    public function testTabIsBehindItsOwnAclResource(): void
    {
        self::assertSame('ExstreamConnect_Connector::order_timeline', Index::ADMIN_RESOURCE);
        self::assertSame('ExstreamConnect_Connector::resend', Resend::ADMIN_RESOURCE);
        self::assertSame('ExstreamConnect_Connector::order_timeline', Document::ADMIN_RESOURCE);
    }

    public function testRendersTheSidecarTimelineEscaped(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->method('getTimeline')->willReturn([[
            'id' => 'c-1', 'documentType' => 'order_confirmation', 'channel' => 'email', 'status' => 'delivered',
            'statusHistory' => [
                ['status' => 'queued', 'at' => '2026-05-26T14:30:02Z', 'source' => 'engine', 'detail' => null],
                [
                    'status' => 'delivered', 'at' => '2026-05-26T14:31:00Z', 'source' => 'feedback',
                    'detail' => '<img src=x onerror=alert(1)>',
                ],
            ],
            'templateId' => 'tpl"><script>alert(1)</script>', 'templateVersion' => '3', 'hasDocument' => true,
            'lastError' => null, 'attempt' => 1, 'createdAt' => '2026-05-26T14:30:02Z',
        ]]);

        [$result, $html] = $this->renderTab($client, [], ['ExstreamConnect_Connector::resend']);

        self::assertSame(200, $result->stubCode());
        self::assertStringContainsString('Order confirmation', $html);
        self::assertStringContainsString('delivered', $html);
        self::assertStringNotContainsString('<script>', $html);
        self::assertStringNotContainsString('<img', $html);
        self::assertStringContainsString('&lt;img src=x onerror=alert(1)&gt;', $html);
        self::assertStringContainsString('exstreamconnect/timeline/document/order_id/142/id/c-1/', $html);
        self::assertStringContainsString('ExstreamConnect_Connector/js/post-action', $html, 'resend button shown');
        self::assertStringContainsString('communication_id', $html);
    }

    public function testResendButtonNeedsTheResendPermission(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->method('getTimeline')->willReturn([['id' => 'c-1', 'status' => 'failed', 'documentType' => 'invoice']]);
        [, $html] = $this->renderTab($client, []);
        self::assertStringNotContainsString('js/post-action', $html);
    }

    public function testFallsBackToTheLocalOutboxWhenTheSidecarIsDown(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->method('getTimeline')->willThrowException(new SidecarException('Sidecar unreachable: timeout', 0));

        [$result, $html] = $this->renderTab($client, [[
            'id' => 3, 'event' => 'order.invoiced', 'status' => 'failed', 'attempts' => 8,
            'next_attempt_at' => '2026-05-26 15:00:00', 'last_error' => 'Sidecar answered HTTP 400: <b>bad</b>',
            'created_at' => '2026-05-26 14:30:01',
        ]], ['ExstreamConnect_Connector::outbox']);

        self::assertSame(200, $result->stubCode());
        self::assertStringContainsString('did not answer in time', $html);
        self::assertStringContainsString('order.invoiced', $html);
        self::assertStringContainsString('&lt;b&gt;bad&lt;/b&gt;', $html);
        self::assertStringContainsString('exstreamconnect/outbox/retry', html_entity_decode($html), 'failed row can be retried');
    }

    public function testMissingOrderIs404(): void
    {
        $controller = new Index(
            AdminDoubles::actionContext(['order_id' => '9'], AdminDoubles::messages()),
            $this->orders(),
            $this->createMock(TimelineProvider::class),
            $this->createMock(LayoutFactory::class)
        );
        self::assertSame(404, $controller->execute()->stubCode());
    }

    public function testResendNeedsAValidFormKey(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::never())->method('resend');
        $messages = AdminDoubles::messages();
        $controller = new Resend(
            AdminDoubles::actionContext(['order_id' => '142', 'communication_id' => 'c-1', 'form_key' => 'forged'], $messages),
            $this->orders(),
            new Config(FakeScopeConfig::enabled()),
            $client
        );
        $redirect = $controller->execute();
        self::assertSame(['sales/order/view', ['order_id' => 142]], $redirect->stubTarget());
        self::assertSame('error', $messages->messages[0][0]);
        self::assertStringContainsString('form key', $messages->messages[0][1]);
    }

    public function testResendOnlyForACommunicationOfThisOrder(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->method('getTimeline')->willReturn([['id' => 'c-1']]);
        $client->expects(self::once())->method('resend')->with(self::anything(), 'c-1')->willReturn(['communicationId' => 'c-2']);
        $config = new Config(FakeScopeConfig::enabled());

        $messages = AdminDoubles::messages();
        (new Resend(
            AdminDoubles::actionContext(
                ['order_id' => '142', 'communication_id' => 'other', 'form_key' => AdminDoubles::FORM_KEY],
                $messages
            ),
            $this->orders(),
            $config,
            $client
        ))->execute();
        self::assertSame(['error', 'This communication does not belong to this order.'], $messages->messages[0]);

        $messages = AdminDoubles::messages();
        (new Resend(
            AdminDoubles::actionContext(
                ['order_id' => '142', 'communication_id' => 'c-1', 'form_key' => AdminDoubles::FORM_KEY],
                $messages
            ),
            $this->orders(),
            $config,
            $client
        ))->execute();
        self::assertSame('success', $messages->messages[0][0]);
        self::assertStringContainsString('c-2', $messages->messages[0][1]);
    }

    public function testDocumentIsStreamedOnlyAsPdfInline(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->method('getTimeline')->willReturn([['id' => 'c-1', 'hasDocument' => true], ['id' => 'c-2', 'hasDocument' => true]]);
        $client->method('getDocument')->willReturnCallback(static function ($c, string $id): SidecarResponse {
            return $id === 'c-1'
                ? new SidecarResponse(200, '%PDF-1.7 ...', ['content-type' => 'application/pdf'])
                : new SidecarResponse(200, '<html><script>x</script></html>', ['content-type' => 'text/html']);
        });
        $make = fn (string $id) => (new Document(
            AdminDoubles::actionContext(['order_id' => '142', 'id' => $id], AdminDoubles::messages()),
            $this->orders(),
            new Config(FakeScopeConfig::enabled()),
            $client
        ))->execute();

        $pdf = $make('c-1');
        self::assertSame('%PDF-1.7 ...', $pdf->stubContents());
        self::assertSame('application/pdf', $pdf->stubHeaders()['Content-Type']);
        self::assertStringStartsWith('inline;', $pdf->stubHeaders()['Content-Disposition']);

        $html = $make('c-2');
        self::assertSame('application/octet-stream', $html->stubHeaders()['Content-Type']);
        self::assertStringStartsWith('attachment;', $html->stubHeaders()['Content-Disposition']);
        self::assertSame('nosniff', $html->stubHeaders()['X-Content-Type-Options']);

        self::assertSame(404, $make('not-on-this-order')->stubCode());
    }
}
