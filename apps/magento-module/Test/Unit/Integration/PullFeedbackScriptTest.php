<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Integration;

use ExstreamConnect\Connector\Test\Unit\Support\ContractDoubleServer;
use PHPUnit\Framework\TestCase;

/**
 * Runs Test/Integration/pull-feedback.php (the script the cross-language test runs against the
 * real Node sidecar) against the PHP double, which serves the shared feed fixture page.
 */
class PullFeedbackScriptTest extends TestCase
{
    use ContractDoubleServer;

    private string $harnessFile = '';

    protected function setUp(): void
    {
        $this->startDouble();
        $this->harnessFile = (string) tempnam(sys_get_temp_dir(), 'exstream-harness-');
        file_put_contents($this->harnessFile, (string) json_encode([
            'stores' => [
                ['id' => 1, 'code' => 'default', 'website_id' => 1],
                ['id' => 2, 'code' => 'fr', 'website_id' => 1],
                ['id' => 3, 'code' => 'de', 'website_id' => 4],
            ],
            'orders' => [['entity_id' => 142, 'increment_id' => '000000142', 'store_id' => 2]],
            'guests' => [['email' => 'gast.kaeufer@example.com', 'website_id' => 4, 'status' => 1]],
        ]));
    }

    protected function tearDown(): void
    {
        $this->stopDouble();
        if ($this->harnessFile !== '' && is_file($this->harnessFile)) {
            unlink($this->harnessFile);
        }
    }

    public function testPullsTheFeedAndAppliesEachItemInItsStoreView(): void
    {
        [$code, $result, $stderr] = $this->runScript(
            'pull-feedback.php',
            [$this->doubleUrl(), 'demo-magento', 'demo-magento-secret', $this->harnessFile]
        );

        self::assertSame(0, $code, $stderr);
        $actions = $result['actions'];
        // Two delivery outcomes worth a comment on order 142 (store view "fr").
        $comments = array_values(array_filter($actions, static fn (array $a): bool => $a['action'] === 'orderComment'));
        self::assertSame(
            [
                'Exstream: shipping notice (email) bounced - 550 5.1.1 Mailbox j***@example.com does not exist',
                'Exstream: invoice (print) delivered',
            ],
            array_column($comments, 'comment')
        );
        self::assertSame([142, 142], array_column($comments, 'orderId'));
        // The customer opt-out in store view "fr" (id 2); the guest's in the website of "de" (4).
        self::assertContains(['action' => 'unsubscribeCustomer', 'customerId' => 88, 'storeId' => 2], $actions);
        self::assertContains(['action' => 'unsubscribeGuest', 'email' => 'gast.kaeufer@example.com', 'websiteId' => 4], $actions);
        // The bounce and the sms opt-out change nothing.
        self::assertNotContains(['action' => 'loadSubscriber', 'email' => 'no.such.box@example.com', 'websiteId' => 1], $actions);
        self::assertSame(4, $result['applied']);
        self::assertSame('7302-42.7306-12', $result['cursor']);
        self::assertStringNotContainsString('gast.kaeufer@example.com', $stderr);
    }

    public function testAWrongSecretAppliesNothingAndKeepsNoCursor(): void
    {
        [$code, $result, $stderr] = $this->runScript(
            'pull-feedback.php',
            [$this->doubleUrl(), 'demo-magento', 'wrong-secret', $this->harnessFile]
        );
        self::assertSame(0, $code);
        self::assertSame(['applied' => 0, 'cursor' => null, 'actions' => []], $result);
        self::assertStringContainsString('Exstream feedback pull failed', $stderr);
    }

    public function testBadUsageExitsWith2(): void
    {
        [$code, , $stderr] = $this->runScript('pull-feedback.php', ['only-one']);
        self::assertSame(2, $code);
        self::assertStringContainsString('usage:', $stderr);
    }
}
