<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Block;

use ExstreamConnect\Connector\Block\Adminhtml\Order\View\Tab\Communications;
use ExstreamConnect\Connector\Block\Adminhtml\Outbox\Queue;
use ExstreamConnect\Connector\Block\Adminhtml\Settings\Form;
use ExstreamConnect\Connector\Block\Adminhtml\System\Config\OutboxStatus;
use ExstreamConnect\Connector\Block\Adminhtml\System\Config\TestConnectionButton;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use ExstreamConnect\Connector\Model\RemoteStores;
use ExstreamConnect\Connector\Model\Settings\SettingsFormMapper;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use ExstreamConnect\Connector\Test\Unit\Support\AdminDoubles;
use ExstreamConnect\Connector\Test\Unit\Support\FakeScopeConfig;
use Magento\Framework\Data\Form\Element\AbstractElement;
use Magento\Store\Model\Store;
use Magento\Store\Model\StoreManagerInterface;
use PHPUnit\Framework\TestCase;

class AdminBlocksTest extends TestCase
{
    public function testTabIsAjaxOnlyAndPointsAtItsController(): void
    {
        $tab = new Communications(AdminDoubles::blockContext(['order_id' => 142], ['ExstreamConnect_Connector::order_timeline']));
        self::assertSame('ajax only', $tab->getTabClass());
        self::assertSame('ajax only', $tab->getClass());
        self::assertStringContainsString('exstreamconnect/timeline/index/_current/1/', $tab->getTabUrl());
        self::assertTrue($tab->canShowTab());
        self::assertFalse($tab->isHidden());
        self::assertSame('', $tab->toHtml(), 'the tab itself renders nothing: content comes by ajax');
        self::assertSame('Exstream Communications', (string) $tab->getTabLabel());

        $denied = new Communications(AdminDoubles::blockContext([], []));
        self::assertFalse($denied->canShowTab());
    }

    public function testConnectionButtonPostsForTheEditedScope(): void
    {
        $button = new TestConnectionButton(AdminDoubles::blockContext(['section' => 'exstream_connect', 'website' => '2']));
        $element = new AbstractElement([
            'html_id' => 'exstream_connect_general_test_connection',
            'label' => 'Test',
            'original_data' => ['button_label' => 'Test connection'],
            'scope' => 'website', 'can_use_website_value' => 1,
        ]);

        $html = $button->render($element);

        self::assertStringContainsString('exstreamconnect/connection/test/website/2/', html_entity_decode($html));
        self::assertStringContainsString('ExstreamConnect_Connector/js/test-connection', html_entity_decode($html));
        self::assertStringContainsString('id="exstream_connect_general_test_connection_result"', $html);
        self::assertStringContainsString('Test connection', $html);
        self::assertNull($element->getData('scope'), 'a button has no scope switch');
    }

    public function testSettingsFormRendersRulesEscapedWithAWriteOnlySecret(): void
    {
        $stores = $this->createMock(StoreManagerInterface::class);
        $stores->method('getStores')->willReturn([new Store(['store_id' => 1])]);
        $client = $this->createMock(SidecarClient::class);
        $client->method('getSettings')->willReturn([
            'connection' => ['baseUrl' => 'https://exstream.example.com', 'clientId' => 'cid', 'hasClientSecret' => true,
                'serviceNames' => ['onDemand' => 'OrderDocs']],
            'rules' => [[
                'id' => 'r1', 'eventKind' => 'order.placed', 'documentType' => 'order_confirmation', 'channel' => 'print',
                'fallbackChannels' => ['email'], 'brand' => '"><script>alert(1)</script>', 'locale' => 'fr', 'priority' => 5,
                'enabled' => true, 'templateVersion' => '2', 'tag' => 'vip',
            ]],
            'defaults' => ['brand' => 'Acme', 'locale' => 'en_US', 'channel' => 'email'],
        ]);
        $form = new Form(
            AdminDoubles::blockContext([]),
            new RemoteStores($stores, new Config(FakeScopeConfig::enabled())),
            $client
        );

        $html = $form->toHtml();

        self::assertStringNotContainsString('<script>', $html);
        self::assertStringContainsString('&quot;&gt;&lt;script&gt;', $html);
        self::assertStringContainsString('name="rules[0][id]" value="r1"', $html);
        self::assertStringContainsString('name="rules[0][tag]"', $html, 'fields the page does not edit are kept');
        self::assertMatchesRegularExpression('/<option value="print" selected="selected">print<\/option>/', $html);
        self::assertStringContainsString('name="rules[1][eventKind]"', $html, 'a blank row adds a rule');
        self::assertStringContainsString('name="connection[clientSecret]"' . "\n" . '                           value=""', $html);
        self::assertStringContainsString('A secret is stored', $html);
        self::assertStringContainsString('name="form_key" value="stub-form-key"', $html);
    }

    public function testSettingsFormShowsTheStatementsSectionAndTheRunsWithTheirProgress(): void
    {
        $stores = $this->createMock(StoreManagerInterface::class);
        $stores->method('getStores')->willReturn([new Store(['store_id' => 1])]);
        $client = $this->createMock(SidecarClient::class);
        $client->method('getSettings')->willReturn([
            'connection' => [
                'baseUrl' => 'https://exstream.example.com',
                'serviceNames' => ['onDemand' => 'OrderDocs', 'statements' => 'StatementBatch'],
            ],
            'rules' => [],
            'defaults' => ['timezone' => 'America/Toronto'],
            'statements' => ['enabled' => true, 'period' => 'monthly', 'closeDay' => 25, 'dueDays' => 45, 'accounts' => 'billing_company',
                'paymentInstructions' => ['instructions' => 'Payable <b>sous</b> 45 jours.', 'reference' => null, 'payUrl' => null,
                    'iban' => 'FR7630006000011234567890189', 'bic' => 'AGRIFRPP', 'bankName' => null, 'accountHolder' => null]],
        ]);
        $client->method('getStatementRuns')->willReturn([
            ['id' => 'r1', 'periodStart' => '2026-05-01', 'periodEnd' => '2026-05-25', 'trigger' => 'schedule',
                'status' => 'sent', 'accounts' => 12,
                'jobId' => 'job-51', 'progress' => ['phase' => 'done', 'detail' => 'batch job job-51 complete']],
            ['id' => 'r2', 'periodStart' => '2026-05-26', 'periodEnd' => '2026-06-25', 'trigger' => 'manual',
                'status' => 'streaming', 'accounts' => 7,
                'jobId' => null, 'progress' => ['phase' => 'streaming', 'detail' => null]],
        ]);
        $form = new Form(AdminDoubles::blockContext([]), new RemoteStores($stores, new Config(FakeScopeConfig::enabled())), $client);

        $html = $form->toHtml();

        self::assertStringContainsString('name="statements[enabled]" value="1" checked="checked"', $html);
        self::assertMatchesRegularExpression('/<option value="25" selected="selected">Day 25 of the month<\/option>/', $html);
        self::assertStringContainsString('name="statements[dueDays]"' . "\n" . '                           value="45"', $html);
        self::assertMatchesRegularExpression('/<option value="billing_company" selected="selected">/', $html);
        self::assertStringContainsString('Payable &lt;b&gt;sous&lt;/b&gt; 45 jours.</textarea>', $html);
        self::assertStringContainsString('value="FR7630006000011234567890189"', $html);
        $indent = "\n" . str_repeat(' ', 31);
        self::assertStringContainsString('name="connection[serviceStatements]"' . $indent . 'value="StatementBatch"', $html);
        self::assertStringContainsString('(America/Toronto)', $html);
        self::assertStringContainsString('<option value="statement.period_closed">', $html, 'a statement rule can be created');
        // Runs, newest first, each with its progress bar and label; the button posts with the form key.
        self::assertStringContainsString('exstreamconnect/statements/run/', $html);
        self::assertSame(2, substr_count($html, 'class="exstream-connect-statement-run"'));
        self::assertLessThan(strpos($html, '2026-05-01 – 2026-05-25'), strpos($html, '2026-05-26 – 2026-06-25'));
        self::assertStringContainsString('<progress max="100" value="35">', $html);
        self::assertStringContainsString('7 accounts planned and uploaded', $html);
        self::assertStringContainsString('<progress max="100" value="100">', $html);
        self::assertStringContainsString('12 statements sent', $html);
        self::assertStringContainsString('job-51', $html);
        self::assertSame(2, substr_count($html, 'name="form_key" value="stub-form-key"'));
    }

    public function testSettingsFormStillRendersWhenTheRunsCannotBeLoaded(): void
    {
        $stores = $this->createMock(StoreManagerInterface::class);
        $stores->method('getStores')->willReturn([new Store(['store_id' => 1])]);
        $client = $this->createMock(SidecarClient::class);
        $client->method('getSettings')->willReturn(['rules' => []]);
        $client->method('getStatementRuns')->willThrowException(new SidecarException('Sidecar answered HTTP 404', 404));
        $form = new Form(AdminDoubles::blockContext([]), new RemoteStores($stores, new Config(FakeScopeConfig::enabled())), $client);

        $html = $form->toHtml();

        self::assertStringContainsString('Could not load the statement runs', $html);
        self::assertStringContainsString('name="statements[closeDay]"', $html, 'the sidecar\'s defaults are shown');
        self::assertMatchesRegularExpression('/<option value="last" selected="selected">/', $html);
        self::assertStringContainsString('name="statements[dueDays]"' . "\n" . '                           value="30"', $html);
    }

    /**
     * @param array<string, mixed> $settings what GET /v1/settings answers
     */
    private function settingsForm(array $settings): Form
    {
        $stores = $this->createMock(StoreManagerInterface::class);
        $stores->method('getStores')->willReturn([new Store(['store_id' => 1])]);
        $client = $this->createMock(SidecarClient::class);
        $client->method('getSettings')->willReturn($settings);
        $client->method('getStatementRuns')->willReturn([]);
        return new Form(AdminDoubles::blockContext([]), new RemoteStores($stores, new Config(FakeScopeConfig::enabled())), $client);
    }

    /**
     * What a browser posts when the settings form is submitted unchanged: its inputs (checkboxes only
     * when ticked), selected options and textareas, decoded like PHP decodes a POST body.
     *
     * @return array<string, mixed>
     */
    private function submitUnchanged(string $html): array
    {
        $dom = new \DOMDocument();
        $previous = libxml_use_internal_errors(true);
        $dom->loadHTML('<?xml encoding="UTF-8">' . $html);
        libxml_use_internal_errors($previous);
        $xpath = new \DOMXPath($dom);
        $form = $xpath->query('//form[contains(@action, "exstreamconnect/settings/save")]')->item(0);
        self::assertNotNull($form, 'the settings form is rendered');
        $pairs = [];
        foreach ($xpath->query('.//input[@name] | .//textarea[@name] | .//select[@name]', $form) as $field) {
            /** @var \DOMElement $field */
            $name = $field->getAttribute('name');
            if ($field->tagName === 'textarea') {
                $pairs[] = [$name, $field->textContent];
            } elseif ($field->tagName === 'select') {
                $chosen = $xpath->query('.//option[@selected]', $field)->item(0) ?? $xpath->query('.//option', $field)->item(0);
                $pairs[] = [$name, $chosen instanceof \DOMElement ? $chosen->getAttribute('value') : ''];
            } elseif ($field->getAttribute('type') !== 'checkbox' || $field->hasAttribute('checked')) {
                $pairs[] = [$name, $field->getAttribute('value')];
            }
        }
        parse_str(implode('&', array_map(static fn (array $p): string => urlencode($p[0]) . '=' . urlencode($p[1]), $pairs)), $post);
        return $post;
    }

    public function testSettingsFormShowsTheCampaignRemindersSectionWithTheSavedValues(): void
    {
        $html = $this->settingsForm([
            'connection' => ['baseUrl' => 'https://exstream.example.com',
                'serviceNames' => ['batch' => 'BatchDocs', 'campaigns' => 'Reminder"Batch']],
            'rules' => [],
            'campaigns' => ['batch' => true, 'windowSeconds' => 900],
        ])->toHtml();

        self::assertStringContainsString('<fieldset class="admin__fieldset exstream-connect-campaigns">', $html);
        self::assertStringContainsString('Campaign reminders', $html);
        self::assertStringContainsString('name="campaigns[batch]" value="1" checked="checked"', $html);
        self::assertStringContainsString('Send abandoned-cart and replenishment reminders in batches', $html);
        self::assertStringContainsString('Batch window (seconds)', $html);
        self::assertMatchesRegularExpression(
            '/type="number" min="1" max="86400" step="1"\s+id="exstream-campaigns-window" name="campaigns\[windowSeconds\]"\s+value="900"/',
            $html
        );
        self::assertStringContainsString(
            'The first reminder of a window waits this long for others, then all of them go to Exstream as one batch job.',
            $html
        );
        self::assertStringContainsString('need a campaign batch service name (or a batch service name)', $html);
        $indent = "\n" . str_repeat(' ', 31);
        self::assertStringContainsString('name="connection[serviceCampaigns]"' . $indent . 'value="Reminder&quot;Batch"', $html);
        self::assertStringContainsString('Campaign batch service name', $html);

        $off = $this->settingsForm(['rules' => [], 'campaigns' => ['batch' => false, 'windowSeconds' => 300]])->toHtml();
        self::assertStringContainsString('name="campaigns[batch]" value="1"/>', $off, 'not ticked when reminders leave one by one');
        self::assertMatchesRegularExpression('/name="campaigns\[windowSeconds\]"\s+value="300"/', $off);
        self::assertStringContainsString('name="connection[serviceCampaigns]"' . $indent . 'value=""', $off);
    }

    public function testCampaignSettingsSurviveAnUnchangedSaveOfTheRenderedForm(): void
    {
        $mapper = new SettingsFormMapper();
        foreach ([['batch' => true, 'windowSeconds' => 900], ['batch' => false, 'windowSeconds' => 86400]] as $campaigns) {
            $update = $mapper->toUpdate($this->submitUnchanged($this->settingsForm([
                'connection' => ['baseUrl' => 'https://exstream.example.com', 'domain' => 'acme',
                    'serviceNames' => ['onDemand' => 'OrderDocs', 'campaigns' => 'ReminderBatch']],
                'rules' => [],
                'campaigns' => $campaigns,
            ])->toHtml()));

            self::assertSame($campaigns, $update['campaigns']);
            self::assertSame(['onDemand' => 'OrderDocs', 'campaigns' => 'ReminderBatch'], $update['connection']['serviceNames']);
        }
    }

    public function testAnOlderSidecarWithoutCampaignSettingsGetsNoCampaignsSection(): void
    {
        $html = $this->settingsForm([
            'connection' => ['baseUrl' => 'https://exstream.example.com', 'serviceNames' => ['batch' => 'BatchDocs']],
            'rules' => [],
        ])->toHtml();

        self::assertStringNotContainsString('name="campaigns[', $html);
        self::assertStringContainsString('This sidecar has no campaign reminder settings yet', $html);
        self::assertArrayNotHasKey(
            'campaigns',
            (new SettingsFormMapper())->toUpdate($this->submitUnchanged($html)),
            'its strict settings schema would refuse the whole save'
        );
    }

    public function testSettingsFormShowsTheLoadErrorInsteadOfAnEmptyForm(): void
    {
        $stores = $this->createMock(StoreManagerInterface::class);
        $stores->method('getStores')->willReturn([new Store(['store_id' => 1])]);
        $client = $this->createMock(SidecarClient::class);
        $client->method('getSettings')->willThrowException(new SidecarException('Sidecar unreachable: refused', 0));
        $form = new Form(AdminDoubles::blockContext([]), new RemoteStores($stores, new Config(FakeScopeConfig::enabled())), $client);

        $html = $form->toHtml();
        self::assertStringContainsString('Could not load the settings from the sidecar', $html);
        self::assertStringNotContainsString('<form method="post"', $html, 'no form that could save an empty rule list');
    }

    public function testQueueAndStatusShowFailedEvents(): void
    {
        $outbox = $this->createMock(OutboxStore::class);
        $outbox->method('countByStatus')->willReturn(['pending' => 2, 'failed' => 1, 'sent' => 40]);
        $outbox->method('lastSentAt')->willReturn('2026-05-28 20:00:00');
        $outbox->method('listByStatus')->willReturnCallback(static fn (string $status): array => $status === 'failed' ? [[
            'id' => 5, 'event' => 'order.placed', 'entity_type' => 'order', 'entity_id' => 142, 'order_id' => 142,
            'status' => 'failed', 'attempts' => 8, 'next_attempt_at' => '2026-05-28 19:00:00',
            'last_error' => 'Sidecar answered HTTP 400 <x>', 'created_at' => '2026-05-28 10:00:00',
        ]] : []);

        $queue = new Queue(AdminDoubles::blockContext([]), $outbox);
        $html = $queue->toHtml();
        self::assertStringContainsString('Pending: 2, failed: 1, sent: 40', $html);
        self::assertStringContainsString('HTTP 400 &lt;x&gt;', $html);
        self::assertStringContainsString('exstreamconnect/outbox/retry', $html);
        self::assertStringContainsString('sales/order/view/order_id/142/', $html);

        $status = new OutboxStatus(AdminDoubles::blockContext([]), $outbox);
        $line = $status->render(new AbstractElement(['html_id' => 'x']));
        self::assertStringContainsString('Waiting: 2, failed: 1, sent: 40. Last delivery: 2026-05-28 20:00:00', $line);
    }
}
