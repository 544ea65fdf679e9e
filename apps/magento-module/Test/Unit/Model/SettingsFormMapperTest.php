<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model;

use ExstreamConnect\Connector\Model\Settings\InvalidSettingsFormException;
use ExstreamConnect\Connector\Model\Settings\SettingsFormMapper;
use PHPUnit\Framework\TestCase;

class SettingsFormMapperTest extends TestCase
{
    public function testMapsRowsToTypedRulesAndDropsDeletedAndBlankRows(): void
    {
        $update = (new SettingsFormMapper())->toUpdate([
            'rules' => [
                ['id' => '3f2504e0-4f89-41d3-9a0c-0305e82c3301', 'eventKind' => 'order.placed', 'documentType' => 'order_confirmation',
                    'channel' => 'email', 'fallbackChannels' => 'print, fax,web,print', 'brand' => '', 'locale' => 'fr',
                    'country' => 'ca', 'templateVersion' => '', 'priority' => '10', 'enabled' => '1', 'tag' => 'vip'],
                ['id' => 'gone', 'eventKind' => 'order.invoiced', 'documentType' => 'invoice', 'delete' => '1'],
                ['id' => '', 'eventKind' => '', 'documentType' => ''],
            ],
        ]);

        self::assertSame([[
            'eventKind' => 'order.placed',
            'documentType' => 'order_confirmation',
            'channel' => 'email',
            'fallbackChannels' => ['print', 'web'],
            'templateVersion' => '1',
            'priority' => 10,
            'enabled' => true,
            'id' => '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
            'brand' => null,
            'locale' => 'fr',
            'productType' => null,
            'skuPrefix' => null,
            'tag' => 'vip',
            'country' => 'CA',
            'communicationId' => null,
            'serviceName' => null,
        ]], $update['rules']);
        self::assertArrayNotHasKey('connection', $update);
        self::assertArrayNotHasKey('defaults', $update);
    }

    public function testSecretIsWriteOnlyAndDefaultsOnlyWhenFilled(): void
    {
        $mapper = new SettingsFormMapper();
        $keep = $mapper->toUpdate([
            'connection' => ['baseUrl' => 'https://exstream.example.com', 'domain' => 'acme',
                'tokenUrl' => 'https://auth.example.com/token',
                'clientId' => 'cid', 'clientSecret' => '', 'serviceOnDemand' => 'OrderDocs'],
            'defaults' => ['brand' => 'Acme', 'locale' => '', 'channel' => 'print'],
        ]);
        self::assertArrayNotHasKey('clientSecret', $keep['connection']);
        self::assertSame(['onDemand' => 'OrderDocs'], $keep['connection']['serviceNames']);
        self::assertSame(['brand' => 'Acme', 'channel' => 'print'], $keep['defaults']);
        self::assertSame([], $keep['rules'], 'an empty rules list is sent: the page shows them all');

        $change = $mapper->toUpdate(['connection' => ['baseUrl' => 'https://x', 'clientSecret' => 'n3w']]);
        self::assertSame('n3w', $change['connection']['clientSecret']);
        self::assertArrayNotHasKey('statements', $change, 'a form without the Statements section leaves them alone');
    }

    public function testEveryServiceNameOfTheFormIsSent(): void
    {
        $update = (new SettingsFormMapper())->toUpdate(['connection' => [
            'baseUrl' => 'https://x', 'serviceOnDemand' => 'OrderDocs', 'serviceBatch' => ' BatchDocs ',
            'serviceStatements' => 'Statements', 'serviceCampaigns' => ' ReminderBatch ',
        ]]);
        self::assertSame(
            ['onDemand' => 'OrderDocs', 'batch' => 'BatchDocs', 'statements' => 'Statements', 'campaigns' => 'ReminderBatch'],
            $update['connection']['serviceNames']
        );

        $cleared = (new SettingsFormMapper())->toUpdate(['connection' => [
            'baseUrl' => 'https://x', 'serviceBatch' => 'BatchDocs', 'serviceCampaigns' => ' ',
        ]]);
        self::assertSame(
            ['batch' => 'BatchDocs'],
            $cleared['connection']['serviceNames'],
            'an emptied campaign service is left out, so the sidecar falls back on the batch service'
        );
    }

    public function testMapsTheCampaignRemindersSectionToTypedSettings(): void
    {
        $mapper = new SettingsFormMapper();
        self::assertSame(
            ['batch' => true, 'windowSeconds' => 900],
            $mapper->toUpdate(['campaigns' => ['batch' => '1', 'windowSeconds' => ' 900 ']])['campaigns']
        );
        self::assertSame(
            ['batch' => false, 'windowSeconds' => 300],
            $mapper->toUpdate(['campaigns' => ['windowSeconds' => '300']])['campaigns'],
            'an unticked checkbox sends nothing: on-demand reminders'
        );
        self::assertSame(1, $mapper->toUpdate(['campaigns' => ['windowSeconds' => '1']])['campaigns']['windowSeconds']);
        self::assertSame(86400, $mapper->toUpdate(['campaigns' => ['windowSeconds' => '86400']])['campaigns']['windowSeconds']);
        self::assertArrayNotHasKey(
            'campaigns',
            $mapper->toUpdate(['statements' => ['closeDay' => 'last']]),
            'a form without the Campaign reminders section leaves them alone'
        );
    }

    /** @return array<string, array{0: mixed, 1: string}> */
    public static function invalidWindows(): array
    {
        return [
            'zero' => ['0', 'must be a whole number of seconds from 1 to 86400 (one day), not "0"'],
            'over a day' => ['86401', 'not "86401"'],
            'negative' => ['-5', 'not "-5"'],
            'fraction' => ['12.5', 'not "12.5"'],
            'exponent' => ['1e3', 'not "1e3"'],
            'words' => ['five minutes', 'not "five minutes"'],
            'huge' => ['99999999999999999999', 'not "99999999999999999999"'],
            'blank' => [' ', 'Batch window (seconds) is required: a whole number of seconds from 1 to 86400'],
            'missing' => [null, 'is required'],
            'an array' => [['300'], 'is required'],
        ];
    }

    /**
     * @dataProvider invalidWindows
     * @param mixed $window
     */
    public function testAnInvalidCampaignWindowIsRefusedNamingTheField($window, string $message): void
    {
        $form = ['batch' => '1'] + ($window === null ? [] : ['windowSeconds' => $window]);
        try {
            (new SettingsFormMapper())->toUpdate(['campaigns' => $form]);
            self::fail('the window was accepted');
        } catch (InvalidSettingsFormException $e) {
            $issues = $e->getIssues();
            self::assertCount(1, $issues);
            self::assertSame('campaigns.windowSeconds', $issues[0]['path']);
            self::assertStringContainsString('Batch window (seconds)', $issues[0]['message']);
            self::assertStringContainsString($message, $issues[0]['message']);
        }
    }

    public function testMapsTheReplenishmentRowsToIntervalsDroppingBlankRows(): void
    {
        $mapper = new SettingsFormMapper();
        self::assertSame(
            ['enabled' => true, 'intervals' => [
                ['skuPrefix' => 'COF-', 'days' => 30],
                ['skuPrefix' => 'COF-DECAF', 'days' => 45],
                ['skuPrefix' => 'TEA', 'days' => 730],
                ['skuPrefix' => 'FILTER', 'days' => 1],
            ]],
            $mapper->toUpdate(['replenishment' => ['enabled' => '1', 'intervals' => [
                ['skuPrefix' => ' COF- ', 'days' => ' 30 '],
                ['skuPrefix' => 'COF-DECAF', 'days' => '45'],
                ['skuPrefix' => '', 'days' => ''],
                ['skuPrefix' => '  ', 'days' => ' '],
                ['skuPrefix' => 'TEA', 'days' => '730'],
                ['skuPrefix' => 'FILTER', 'days' => '1'],
                ['skuPrefix' => '', 'days' => ''],
            ]]])['replenishment'],
            'a row emptied in the middle of the table is dropped like the blank rows below it'
        );
        self::assertSame(
            ['enabled' => false, 'intervals' => [['skuPrefix' => 'COF-', 'days' => 30]]],
            $mapper->toUpdate(['replenishment' => ['intervals' => [['skuPrefix' => 'COF-', 'days' => '30']]]])['replenishment'],
            'an unticked checkbox sends nothing: off, the intervals kept'
        );
        self::assertSame(
            ['enabled' => true, 'intervals' => []],
            $mapper->toUpdate(['replenishment' => ['enabled' => '1', 'intervals' => [
                ['skuPrefix' => '', 'days' => ''], ['skuPrefix' => '', 'days' => ''], ['skuPrefix' => '', 'days' => ''],
            ]]])['replenishment'],
            'only blank rows: an empty list, which clears the stored intervals'
        );
        self::assertArrayNotHasKey(
            'replenishment',
            $mapper->toUpdate(['campaigns' => ['windowSeconds' => '300']]),
            'a form without the Replenishment reminders section (an older sidecar) leaves them alone'
        );
    }

    /** @return array<string, array{0: array<string, mixed>, 1: string, 2: string}> */
    public static function invalidIntervals(): array
    {
        return [
            'zero days' => [['skuPrefix' => 'TEA', 'days' => '0'],
                'days', 'Days after the order for SKU prefix "TEA" must be a whole number of days from 1 to 730, not "0"'],
            'over two years' => [['skuPrefix' => 'TEA', 'days' => '731'], 'days', 'not "731"'],
            'negative' => [['skuPrefix' => 'TEA', 'days' => '-30'], 'days', 'not "-30"'],
            'fraction' => [['skuPrefix' => 'TEA', 'days' => '30.5'], 'days', 'not "30.5"'],
            'exponent' => [['skuPrefix' => 'TEA', 'days' => '3e1'], 'days', 'not "3e1"'],
            'words' => [['skuPrefix' => 'TEA', 'days' => 'a month'], 'days', 'not "a month"'],
            'huge' => [['skuPrefix' => 'TEA', 'days' => '99999999999999999999'], 'days', 'not "99999999999999999999"'],
            'blank days' => [['skuPrefix' => 'TEA', 'days' => ' '],
                'days', 'Days after the order for SKU prefix "TEA" is required: a whole number of days from 1 to 730'],
            'missing days' => [['skuPrefix' => 'TEA'], 'days', 'is required'],
            'days as an array' => [['skuPrefix' => 'TEA', 'days' => ['30']], 'days', 'is required'],
            'days without a prefix' => [['skuPrefix' => ' ', 'days' => '30'],
                'skuPrefix', 'SKU prefix is required in the row whose days after the order are "30" (empty the row to remove it)'],
            'bad days without a prefix' => [['days' => 'soon'], 'skuPrefix', 'are "soon"'],
        ];
    }

    /**
     * @dataProvider invalidIntervals
     * @param array<string, mixed> $row
     */
    public function testAnInvalidReplenishmentRowIsRefusedNamingItsField(array $row, string $field, string $message): void
    {
        try {
            (new SettingsFormMapper())->toUpdate(['replenishment' => ['enabled' => '1', 'intervals' => [
                ['skuPrefix' => 'COF-', 'days' => '30'],
                ['skuPrefix' => '', 'days' => ''],
                $row,
                ['skuPrefix' => '', 'days' => ''],
            ]]]);
            self::fail('the row was accepted');
        } catch (InvalidSettingsFormException $e) {
            $issues = $e->getIssues();
            self::assertCount(1, $issues);
            // Index 1, not 2: the blank row before it is not sent, and the path names the list sent.
            self::assertSame('replenishment.intervals.1.' . $field, $issues[0]['path']);
            self::assertStringContainsString($message, $issues[0]['message']);
        }
    }

    public function testEveryInvalidRowAndTheCampaignWindowAreRefusedTogether(): void
    {
        try {
            (new SettingsFormMapper())->toUpdate([
                'campaigns' => ['batch' => '1', 'windowSeconds' => '0'],
                'replenishment' => ['intervals' => [
                    ['skuPrefix' => 'TEA', 'days' => '800'],
                    ['skuPrefix' => 'COF-', 'days' => '30'],
                    ['skuPrefix' => '', 'days' => '14'],
                ]],
            ]);
            self::fail('the form was accepted');
        } catch (InvalidSettingsFormException $e) {
            self::assertSame(
                ['campaigns.windowSeconds', 'replenishment.intervals.0.days', 'replenishment.intervals.2.skuPrefix'],
                array_column($e->getIssues(), 'path')
            );
        }
    }

    public function testDuplicatePrefixesAreLeftToTheSidecar(): void
    {
        self::assertSame(
            [['skuPrefix' => 'COF-', 'days' => 30], ['skuPrefix' => 'COF-', 'days' => 60]],
            (new SettingsFormMapper())->toUpdate(['replenishment' => ['intervals' => [
                ['skuPrefix' => 'COF-', 'days' => '30'], ['skuPrefix' => ' COF- ', 'days' => '60'],
            ]]])['replenishment']['intervals'],
            'its 400 (replenishment.intervals: each SKU prefix may appear once) is shown as it came'
        );
    }

    public function testMapsTheStatementsSectionToTypedSettings(): void
    {
        $update = (new SettingsFormMapper())->toUpdate(['statements' => [
            'enabled' => '1', 'closeDay' => '25', 'dueDays' => ' 45 ', 'accounts' => 'company',
            'paymentInstructions' => 'Payable par virement sous 45 jours.', 'paymentReference' => '',
            'payUrl' => 'https://boutique-nordique.example/payer', 'iban' => 'fr76 3000 6000 0112 3456 7890 189', 'bic' => 'agri fr pp',
            'bankName' => '', 'accountHolder' => 'Boutique Nordique inc.',
        ]]);
        self::assertSame([
            'enabled' => true,
            'closeDay' => 25,
            'dueDays' => 45,
            'accounts' => 'company',
            'paymentInstructions' => [
                'instructions' => 'Payable par virement sous 45 jours.',
                'reference' => null,
                'payUrl' => 'https://boutique-nordique.example/payer',
                'iban' => 'FR7630006000011234567890189',
                'bic' => 'AGRIFRPP',
                'bankName' => null,
                'accountHolder' => 'Boutique Nordique inc.',
            ],
        ], $update['statements']);
    }

    public function testStatementValuesTheSidecarMustJudgeArePassedOnAsTyped(): void
    {
        $mapper = new SettingsFormMapper();
        $odd = $mapper->toUpdate(['statements' => ['closeDay' => 'last', 'dueDays' => 'soon', 'accounts' => '', 'iban' => 'DE89 3704']]);
        self::assertFalse($odd['statements']['enabled'], 'an unticked checkbox sends nothing: disabled');
        self::assertSame('last', $odd['statements']['closeDay']);
        self::assertSame('soon', $odd['statements']['dueDays'], 'the sidecar answers 400 on statements.dueDays');
        self::assertNull($odd['statements']['accounts']);
        // Bank details without the text to print: the text goes as empty, which the sidecar refuses by name.
        self::assertSame('', $odd['statements']['paymentInstructions']['instructions']);
        self::assertSame('DE893704', $odd['statements']['paymentInstructions']['iban']);

        $none = $mapper->toUpdate(['statements' => [
            'enabled' => '1', 'closeDay' => '1', 'dueDays' => '', 'paymentInstructions' => ' ', 'iban' => '',
        ]]);
        self::assertNull($none['statements']['paymentInstructions'], 'every payment field empty: no instructions');
        self::assertNull($none['statements']['dueDays']);
        self::assertSame(1, $none['statements']['closeDay']);
    }
}
