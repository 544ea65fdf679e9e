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
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::once())->method('putSettings')
            ->with(self::anything(), self::callback(static fn (array $update): bool => $update['rules'][0]['eventKind'] === 'order.placed'))
            ->willThrowException(new SidecarException('Sidecar answered HTTP 400: Invalid settings', 400, 'VALIDATION_FAILED', [
                ['path' => 'rules.0.channel', 'message' => 'Invalid option'],
            ]));
        $messages = AdminDoubles::messages();
        $controller = new Save(
            AdminDoubles::actionContext([
                'form_key' => AdminDoubles::FORM_KEY,
                'store_key' => 'demo-magento',
                'rules' => [['eventKind' => 'order.placed', 'documentType' => 'order_confirmation', 'channel' => 'fax', 'enabled' => '1']],
            ], $messages),
            new RemoteStores($this->storeManager(), new Config($this->scope)),
            $client,
            new SettingsFormMapper()
        );

        $redirect = $controller->execute();

        self::assertSame(['exstreamconnect/settings/index', ['store_key' => 'demo-magento']], $redirect->stubTarget());
        self::assertContains(['error', 'rules.0.channel: Invalid option'], $messages->messages);
    }

    public function testSettingsSaveSendsTheStatementsSectionAndShowsItsFieldErrors(): void
    {
        $sent = [];
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::once())->method('putSettings')
            ->willReturnCallback(static function (Connection $connection, array $update) use (&$sent): array {
                $sent = $update;
                throw new SidecarException('Sidecar answered HTTP 400: Invalid settings', 400, 'VALIDATION_FAILED', [
                    ['path' => 'statements.paymentInstructions.payUrl', 'message' => 'Invalid URL'],
                ]);
            });
        $messages = AdminDoubles::messages();
        (new Save(
            AdminDoubles::actionContext([
                'form_key' => AdminDoubles::FORM_KEY,
                'store_key' => 'demo-magento',
                'statements' => ['enabled' => '1', 'closeDay' => 'last', 'dueDays' => '30', 'accounts' => 'company',
                    'paymentInstructions' => 'Pay by transfer.', 'payUrl' => 'ftp://pay.example.com'],
            ], $messages),
            new RemoteStores($this->storeManager(), new Config($this->scope)),
            $client,
            new SettingsFormMapper()
        ))->execute();

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
        $client = $this->createMock(SidecarClient::class);
        $client->expects(self::once())->method('putSettings')
            ->willReturnCallback(static function (Connection $connection, array $update) use (&$sent): array {
                $sent = $update;
                // The engine's refusal, as the sidecar's 400 carries it.
                throw new SidecarException('Sidecar answered HTTP 400: Invalid settings', 400, 'VALIDATION_FAILED', [[
                    'path' => 'campaigns.batch',
                    'message' => 'batched reminders need a batch service: set connection.serviceNames.campaigns (or .batch) first',
                ]]);
            });
        $messages = AdminDoubles::messages();
        (new Save(
            AdminDoubles::actionContext([
                'form_key' => AdminDoubles::FORM_KEY,
                'store_key' => 'demo-magento',
                'connection' => ['baseUrl' => 'https://exstream.example.com', 'serviceOnDemand' => 'OrderDocs',
                    'serviceBatch' => '', 'serviceCampaigns' => ''],
                'campaigns' => ['batch' => '1', 'windowSeconds' => '600'],
            ], $messages),
            new RemoteStores($this->storeManager(), new Config($this->scope)),
            $client,
            new SettingsFormMapper()
        ))->execute();

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
        $redirect = (new Save(
            AdminDoubles::actionContext([
                'form_key' => AdminDoubles::FORM_KEY,
                'store_key' => 'demo-magento',
                'rules' => [['eventKind' => 'order.placed', 'documentType' => 'order_confirmation', 'enabled' => '1']],
                'campaigns' => ['batch' => '1', 'windowSeconds' => '90000'],
            ], $messages),
            new RemoteStores($this->storeManager(), new Config($this->scope)),
            $client,
            new SettingsFormMapper()
        ))->execute();

        self::assertSame(['exstreamconnect/settings/index', ['store_key' => 'demo-magento']], $redirect->stubTarget());
        self::assertSame([
            ['error', 'The settings were not sent to the sidecar: a field is invalid.'],
            ['error', 'campaigns.windowSeconds: Batch window (seconds) must be a whole number of seconds from 1 to 86400 (one day), '
                . 'not "90000"'],
        ], $messages->messages);
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
