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

    public function testSettingsFormShowsTheReplenishmentSectionWithTheSavedIntervalsAndBlankRows(): void
    {
        $html = $this->settingsForm([
            'rules' => [],
            'campaigns' => ['batch' => false, 'windowSeconds' => 300],
            'replenishment' => ['enabled' => true, 'intervals' => [
                ['skuPrefix' => 'COF-', 'days' => 30],
                ['skuPrefix' => 'COF-"DECAF', 'days' => 45],
            ]],
        ])->toHtml();

        self::assertStringContainsString('<fieldset class="admin__fieldset exstream-connect-replenishment">', $html);
        self::assertLessThan(
            strpos($html, 'exstream-connect-replenishment"'),
            strpos($html, 'exstream-connect-campaigns"'),
            'after Campaign reminders'
        );
        self::assertStringContainsString('Replenishment reminders', $html);
        self::assertStringContainsString('name="replenishment[enabled]" value="1" checked="checked"', $html);
        self::assertStringContainsString('Remind customers to reorder', $html);
        self::assertStringContainsString('Days after the order (1–730)', $html);
        $row = static fn (int $i, string $prefix, string $days): string => '/name="replenishment\[intervals\]\[' . $i
            . '\]\[skuPrefix\]"\s+value="' . preg_quote($prefix, '/') . '"\/>.*?'
            . 'type="number" min="1" max="730" step="1" name="replenishment\[intervals\]\[' . $i . '\]\[days\]"\s+value="'
            . preg_quote($days, '/') . '"\/>/s';
        self::assertMatchesRegularExpression($row(0, 'COF-', '30'), $html);
        self::assertMatchesRegularExpression($row(1, 'COF-&quot;DECAF', '45'), $html);
        foreach ([2, 3, 4] as $blank) {
            self::assertMatchesRegularExpression($row($blank, '', ''), $html, 'three blank rows to add intervals');
        }
        self::assertStringNotContainsString('replenishment[intervals][5]', $html);
        self::assertSame(5, substr_count($html, 'class="exstream-connect-replenishment-interval"'));
        $notes = [
            'An order line whose SKU starts with a prefix is due again that many days after its order',
            'when several prefixes match, the longest wins',
            'template rule for replenishment.due',
            'is not sent when the customer has reordered one of those SKUs',
        ];
        foreach ($notes as $note) {
            self::assertStringContainsString($note, $html);
        }
        self::assertStringContainsString(
            '<option value="replenishment.due">',
            $html,
            'the rule the reminders use can be created on this page'
        );

        $off = $this->settingsForm(['rules' => [], 'replenishment' => ['enabled' => false, 'intervals' => []]])->toHtml();
        self::assertStringContainsString('name="replenishment[enabled]" value="1"/>', $off, 'not ticked when off');
        self::assertSame(3, substr_count($off, 'class="exstream-connect-replenishment-interval"'));
    }

    public function testTheIntervalTableNeverOffersMoreRowsThanTheSidecarKeeps(): void
    {
        $intervals = [];
        for ($i = 0; $i < 49; $i++) {
            $intervals[] = ['skuPrefix' => 'SKU' . $i, 'days' => 30];
        }
        $form = $this->settingsForm(['rules' => [], 'replenishment' => ['enabled' => true, 'intervals' => $intervals]]);
        self::assertCount(50, $form->getReplenishmentRows());
        self::assertSame(['skuPrefix' => '', 'days' => ''], $form->getReplenishmentRows()[49]);

        $intervals[] = ['skuPrefix' => 'SKU49', 'days' => 30];
        $full = $this->settingsForm(['rules' => [], 'replenishment' => ['enabled' => true, 'intervals' => $intervals]]);
        self::assertSame($intervals, $full->getReplenishmentRows());
    }

    public function testReplenishmentSettingsSurviveAnUnchangedSaveOfTheRenderedForm(): void
    {
        $mapper = new SettingsFormMapper();
        $rule = ['id' => 'r7', 'eventKind' => 'replenishment.due', 'documentType' => 'replenishment_reminder', 'channel' => 'email',
            'fallbackChannels' => [], 'templateVersion' => '1', 'priority' => 0, 'enabled' => true];
        $saved = [
            ['enabled' => true, 'intervals' => [['skuPrefix' => 'COF-', 'days' => 30], ['skuPrefix' => 'COF-DECAF', 'days' => 730]]],
            ['enabled' => false, 'intervals' => [['skuPrefix' => 'TEA', 'days' => 1]]],
            ['enabled' => true, 'intervals' => []],
        ];
        foreach ($saved as $replenishment) {
            $post = $this->submitUnchanged($this->settingsForm([
                'rules' => [$rule],
                'campaigns' => ['batch' => true, 'windowSeconds' => 600],
                'replenishment' => $replenishment,
            ])->toHtml());
            $update = $mapper->toUpdate($post);

            self::assertSame($replenishment, $update['replenishment']);
            self::assertSame(['batch' => true, 'windowSeconds' => 600], $update['campaigns']);
            self::assertSame('replenishment.due', $update['rules'][0]['eventKind'], 'a saved reminder rule keeps its event');

            // The first blank row, filled in, adds an interval at the end of the list.
            $added = count($replenishment['intervals']);
            $post['replenishment']['intervals'][$added] = ['skuPrefix' => 'FILTER', 'days' => '90'];
            self::assertSame(
                array_merge($replenishment['intervals'], [['skuPrefix' => 'FILTER', 'days' => 90]]),
                $mapper->toUpdate($post)['replenishment']['intervals']
            );
        }
    }

    public function testAnOlderSidecarWithoutReplenishmentSettingsGetsNoReplenishmentSection(): void
    {
        $html = $this->settingsForm([
            'rules' => [],
            'campaigns' => ['batch' => true, 'windowSeconds' => 900],
        ])->toHtml();

        self::assertStringNotContainsString('name="replenishment[', $html);
        self::assertStringContainsString('This sidecar has no replenishment reminder settings yet', $html);
        $update = (new SettingsFormMapper())->toUpdate($this->submitUnchanged($html));
        self::assertArrayNotHasKey('replenishment', $update, 'its strict settings schema would refuse the whole save');
        self::assertSame(['batch' => true, 'windowSeconds' => 900], $update['campaigns'], 'the campaigns section is still saved');
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
