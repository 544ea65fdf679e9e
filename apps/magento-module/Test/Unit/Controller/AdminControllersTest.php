<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Controller;

use ExstreamConnect\Connector\Controller\Adminhtml\Connection\Test;
use ExstreamConnect\Connector\Controller\Adminhtml\Outbox\Retry;
use ExstreamConnect\Connector\Controller\Adminhtml\Settings\Save;
use ExstreamConnect\Connector\Controller\Adminhtml\Statements\Run;
use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Connection;
use ExstreamConnect\Connector\Model\Outbox\OutboxStore;
use ExstreamConnect\Connector\Model\RemoteStores;
use ExstreamConnect\Connector\Model\Settings\SettingsFormMapper;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use ExstreamConnect\Connector\Test\Unit\Support\AdminDoubles;
use ExstreamConnect\Connector\Test\Unit\Support\FakeScopeConfig;
use ExstreamConnect\Connector\Test\Unit\Support\MessageCollector;
use Magento\Store\Model\Store;
use Magento\Store\Model\StoreManagerInterface;
use Magento\Store\Model\Website;
use PHPUnit\Framework\TestCase;

class AdminControllersTest extends TestCase
{
    private FakeScopeConfig $scope;

    protected function setUp(): void
    {
        $this->scope = FakeScopeConfig::enabled();
    }

    private function storeManager(): StoreManagerInterface
    {
        $manager = $this->createMock(StoreManagerInterface::class);
        $manager->method('getWebsite')->willReturnCallback(static fn ($id) => new Website([
            'website_id' => $id, 'default_store' => new Store(['store_id' => $id * 10]),
        ]));
        $manager->method('getDefaultStoreView')->willReturn(new Store(['store_id' => 1]));
        $manager->method('getStores')->willReturn([new Store(['store_id' => 1]), new Store(['store_id' => 2])]);
        return $manager;
    }

    /** @param array<string, mixed> $params */
    private function testConnection(SidecarClient $client, array $params): array
    {
        $controller = new Test(
            AdminDoubles::actionContext($params + ['form_key' => AdminDoubles::FORM_KEY], AdminDoubles::messages()),
            new Config($this->scope),
            $client,
            $this->storeManager()
        );
        return $controller->execute()->stubData();
    }

    public function testConnectionTestUsesTheEditedScope(): void
    {
        $this->scope->set('exstream_connect/general/store_key', 'website-two', 20);
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::once())->method('testConnection')
            ->with(self::callback(static fn (Connection $c): bool => $c->getStoreKey() === 'website-two'))
            ->willReturn(['ok' => true, 'version' => '25.4', 'latencyMs' => 42]);

        $answer = $this->testConnection($client, ['website' => '2']);

        self::assertTrue($answer['ok']);
        self::assertStringContainsString('25.4', $answer['message']);
        self::assertStringContainsString('42 ms', $answer['message']);
    }

    public function testConnectionTestExplainsEachFailure(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->method('testConnection')->willReturnOnConsecutiveCalls(
            self::throwException(new SidecarException('Sidecar unreachable: Connection refused', 0)),
            self::throwException(new SidecarException('Sidecar answered HTTP 401', 401)),
            ['ok' => false, 'error' => 'invalid_client', 'latencyMs' => 10]
        );

        self::assertStringContainsString('could not be reached', $this->testConnection($client, [])['message']);
        self::assertStringContainsString('store key or shared secret', $this->testConnection($client, [])['message']);
        $answer = $this->testConnection($client, []);
        self::assertFalse($answer['ok']);
        self::assertStringContainsString('invalid_client', $answer['message']);

        $this->scope->set('exstream_connect/general/enabled', '0', 7);
        self::assertStringContainsString('Enable the module', $this->testConnection($client, ['store' => '7'])['message']);
    }

    public function testConnectionTestRejectsAMissingFormKey(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::never())->method('testConnection');
        $controller = new Test(
            AdminDoubles::actionContext([], AdminDoubles::messages()),
            new Config($this->scope),
            $client,
            $this->storeManager()
        );
        self::assertFalse($controller->execute()->stubData()['ok']);
    }

    public function testSettingsSaveSendsThePutAndShowsFieldErrors(): void
    {
        $sent = [];
        $client = $this->refusingSidecar([['path' => 'rules.0.channel', 'message' => 'Invalid option']], $sent);
        $messages = AdminDoubles::messages();

        $redirect = $this->submitSettings([
            'rules' => [['eventKind' => 'order.placed', 'documentType' => 'order_confirmation', 'channel' => 'fax', 'enabled' => '1']],
        ], $client, $messages);

        self::assertSame('order.placed', $sent['rules'][0]['eventKind']);
        self::assertSame(['exstreamconnect/settings/index', ['store_key' => 'demo-magento']], $redirect->stubTarget());
        self::assertContains(['error', 'rules.0.channel: Invalid option'], $messages->messages);
    }

    public function testSettingsSaveSendsTheStatementsSectionAndShowsItsFieldErrors(): void
    {
        $sent = [];
        $client = $this->refusingSidecar([
            ['path' => 'statements.paymentInstructions.payUrl', 'message' => 'Invalid URL'],
        ], $sent);
        $messages = AdminDoubles::messages();
        $this->submitSettings([
            'statements' => ['enabled' => '1', 'closeDay' => 'last', 'dueDays' => '30', 'accounts' => 'company',
                'paymentInstructions' => 'Pay by transfer.', 'payUrl' => 'ftp://pay.example.com'],
        ], $client, $messages);

        self::assertSame(
            ['enabled' => true, 'closeDay' => 'last', 'dueDays' => 30, 'accounts' => 'company'],
            array_slice($sent['statements'], 0, 4)
        );
        self::assertSame('ftp://pay.example.com', $sent['statements']['paymentInstructions']['payUrl']);
        self::assertContains(['error', 'statements.paymentInstructions.payUrl: Invalid URL'], $messages->messages);
    }

    public function testSettingsSaveSendsTheCampaignsSectionAndShowsTheMissingBatchServiceError(): void
    {
        $sent = [];
        $client = $this->refusingSidecar([[
            'path' => 'campaigns.batch',
            'message' => 'batched reminders need a batch service: set connection.serviceNames.campaigns (or .batch) first',
        ]], $sent);
        $messages = AdminDoubles::messages();
        $this->submitSettings([
            'connection' => ['baseUrl' => 'https://exstream.example.com', 'serviceOnDemand' => 'OrderDocs',
                'serviceBatch' => '', 'serviceCampaigns' => ''],
            'campaigns' => ['batch' => '1', 'windowSeconds' => '600'],
        ], $client, $messages);

        self::assertSame(['batch' => true, 'windowSeconds' => 600], $sent['campaigns']);
        self::assertSame(['onDemand' => 'OrderDocs'], $sent['connection']['serviceNames']);
        self::assertSame([
            ['error', 'The sidecar did not save the settings: Sidecar answered HTTP 400: Invalid settings'],
            ['error', 'campaigns.batch: batched reminders need a batch service: set connection.serviceNames.campaigns (or .batch) first'],
        ], $messages->messages);
    }

    public function testSettingsSaveRefusesAnOutOfRangeBatchWindowWithoutCallingTheSidecar(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::never())->method('putSettings');
        $messages = AdminDoubles::messages();
        $redirect = $this->submitSettings([
            'rules' => [['eventKind' => 'order.placed', 'documentType' => 'order_confirmation', 'enabled' => '1']],
            'campaigns' => ['batch' => '1', 'windowSeconds' => '90000'],
        ], $client, $messages);

        self::assertSame(['exstreamconnect/settings/index', ['store_key' => 'demo-magento']], $redirect->stubTarget());
        self::assertSame([
            ['error', 'The settings were not sent to the sidecar: a field is invalid.'],
            ['error', 'campaigns.windowSeconds: Batch window (seconds) must be a whole number of seconds from 1 to 86400 (one day), '
                . 'not "90000"'],
        ], $messages->messages);
    }

    public function testSettingsSaveSendsTheReplenishmentSectionAndShowsTheDuplicatePrefixError(): void
    {
        $sent = [];
        $client = $this->refusingSidecar([
            ['path' => 'replenishment.intervals', 'message' => 'each SKU prefix may appear once'],
        ], $sent);
        $messages = AdminDoubles::messages();
        $redirect = $this->submitSettings([
            'campaigns' => ['windowSeconds' => '300'],
            'replenishment' => ['enabled' => '1', 'intervals' => [
                ['skuPrefix' => 'COF-', 'days' => '30'],
                ['skuPrefix' => 'COF-', 'days' => '60'],
                ['skuPrefix' => '', 'days' => ''],
                ['skuPrefix' => '', 'days' => ''],
            ]],
        ], $client, $messages);

        self::assertSame(
            ['enabled' => true, 'intervals' => [['skuPrefix' => 'COF-', 'days' => 30], ['skuPrefix' => 'COF-', 'days' => 60]]],
            $sent['replenishment']
        );
        self::assertSame(['batch' => false, 'windowSeconds' => 300], $sent['campaigns']);
        self::assertSame(['exstreamconnect/settings/index', ['store_key' => 'demo-magento']], $redirect->stubTarget());
        self::assertSame([
            ['error', 'The sidecar did not save the settings: Sidecar answered HTTP 400: Invalid settings'],
            ['error', 'replenishment.intervals: each SKU prefix may appear once'],
        ], $messages->messages);
    }

    public function testSettingsSaveRefusesABadReplenishmentRowWithoutCallingTheSidecar(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::never())->method('putSettings');
        $messages = AdminDoubles::messages();
        $this->submitSettings([
            'replenishment' => ['enabled' => '1', 'intervals' => [
                ['skuPrefix' => '', 'days' => ''],
                ['skuPrefix' => 'COF-', 'days' => '1000'],
                ['skuPrefix' => '', 'days' => '14'],
            ]],
        ], $client, $messages);

        self::assertSame([
            ['error', 'The settings were not sent to the sidecar: a field is invalid.'],
            ['error', 'replenishment.intervals.0.days: Days after the order for SKU prefix "COF-" must be a whole number of days '
                . 'from 1 to 730, not "1000"'],
            ['error', 'replenishment.intervals.1.skuPrefix: SKU prefix is required in the row whose days after the order are "14" '
                . '(empty the row to remove it)'],
        ], $messages->messages);
    }

    /**
     * A sidecar that keeps the update it was sent (in $sent) and refuses it with these field issues,
     * as its 400 carries the engine's.
     *
     * @param array<int, array{path: string, message: string}> $issues
     * @param array<string, mixed>|null $sent
     */
    private function refusingSidecar(array $issues, ?array &$sent): SidecarClient
    {
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::once())->method('putSettings')
            ->willReturnCallback(static function (Connection $connection, array $update) use (&$sent, $issues): array {
                $sent = $update;
                throw new SidecarException('Sidecar answered HTTP 400: Invalid settings', 400, 'VALIDATION_FAILED', $issues);
            });
        return $client;
    }

    /**
     * Posts the settings form of the demo store (with a valid form key) to the Save controller.
     *
     * @param array<string, mixed> $fields the form's fields
     * @return mixed the controller's redirect
     */
    private function submitSettings(array $fields, SidecarClient $client, MessageCollector $messages)
    {
        return (new Save(
            AdminDoubles::actionContext(['form_key' => AdminDoubles::FORM_KEY, 'store_key' => 'demo-magento'] + $fields, $messages),
            new RemoteStores($this->storeManager(), new Config($this->scope)),
            $client,
            new SettingsFormMapper()
        ))->execute();
    }

    public function testRunNowStartsAStatementRunForTheFormStore(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::exactly(2))->method('startStatementRun')
            ->with(self::callback(static fn (Connection $c): bool => $c->getStoreKey() === 'demo-magento'))
            ->willReturnOnConsecutiveCalls(
                ['started' => true, 'run' => ['id' => 'r1', 'periodStart' => '2026-06-01', 'periodEnd' => '2026-06-30']],
                ['started' => false, 'run' => ['id' => 'r1', 'periodStart' => '2026-06-01', 'periodEnd' => '2026-06-30']]
            );
        $messages = AdminDoubles::messages();
        $run = fn () => (new Run(
            AdminDoubles::actionContext(['form_key' => AdminDoubles::FORM_KEY, 'store_key' => 'demo-magento'], $messages),
            new RemoteStores($this->storeManager(), new Config($this->scope)),
            $client
        ))->execute();

        self::assertSame(['exstreamconnect/settings/index', ['store_key' => 'demo-magento']], $run()->stubTarget());
        $run();
        self::assertSame([
            ['success', 'Statement run started for 2026-06-01 – 2026-06-30.'],
            ['notice', 'A statement run for 2026-06-01 – 2026-06-30 is already in progress.'],
        ], $messages->messages);
    }

    public function testRunNowShowsWhyTheSidecarRefusedAndNeedsAFormKey(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::once())->method('startStatementRun')->willThrowException(new SidecarException(
            'Sidecar answered HTTP 422: No Exstream batch service is configured for statements',
            422,
            'NOT_CONFIGURED',
            [['path' => 'connection.serviceNames.statements', 'message' => 'required to run statements']]
        ));
        $messages = AdminDoubles::messages();
        $stores = new RemoteStores($this->storeManager(), new Config($this->scope));
        (new Run(AdminDoubles::actionContext(['store_key' => 'demo-magento'], $messages), $stores, $client))->execute();
        self::assertSame('error', $messages->messages[0][0]);
        self::assertStringContainsString('form key', $messages->messages[0][1]);

        $messages = AdminDoubles::messages();
        $context = AdminDoubles::actionContext(['form_key' => AdminDoubles::FORM_KEY, 'store_key' => 'demo-magento'], $messages);
        (new Run($context, $stores, $client))->execute();
        self::assertStringContainsString('did not start the statement run', $messages->messages[0][1]);
        self::assertContains(['error', 'connection.serviceNames.statements: required to run statements'], $messages->messages);
    }

    public function testSettingsSaveRefusesAnUnknownStoreKey(): void
    {
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::never())->method('putSettings');
        $messages = AdminDoubles::messages();
        (new Save(
            AdminDoubles::actionContext(['form_key' => AdminDoubles::FORM_KEY, 'store_key' => 'someone-else'], $messages),
            new RemoteStores($this->storeManager(), new Config($this->scope)),
            $client,
            new SettingsFormMapper()
        ))->execute();
        self::assertSame('error', $messages->messages[0][0]);
    }

    public function testRetryRequeuesAFailedRow(): void
    {
        $outbox = $this->createMock(OutboxStore::class);
        $outbox->expects(self::once())->method('requeue')->with(9, 1780000000)->willReturn(true);
        $clock = $this->createMock(Clock::class);
        $clock->method('now')->willReturn(1780000000);
        $messages = AdminDoubles::messages();
        $redirect = (new Retry(
            AdminDoubles::actionContext(['form_key' => AdminDoubles::FORM_KEY, 'id' => '9', 'order_id' => '142'], $messages),
            $outbox,
            $clock
        ))->execute();
        self::assertSame(['sales/order/view', ['order_id' => 142]], $redirect->stubTarget());
        self::assertSame('success', $messages->messages[0][0]);
    }
}
