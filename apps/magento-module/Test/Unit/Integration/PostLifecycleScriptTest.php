<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Integration;

use ExstreamConnect\Connector\Test\Unit\Support\ContractDoubleServer;
use ExstreamConnect\Connector\Test\Unit\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/**
 * Runs Test/Integration/post-lifecycle.php (the script the cross-language test uses against the
 * real Node sidecar) against a PHP double of the sidecar contract over loopback HTTP.
 */
class PostLifecycleScriptTest extends TestCase
{
    use ContractDoubleServer;

    protected function setUp(): void
    {
        $this->startDouble();
    }

    protected function tearDown(): void
    {
        $this->stopDouble();
    }

    /**
     * @return array{0: int, 1: array<string, mixed>|null, 2: string}
     */
    private function script(string $secret, string $fixtures, string ...$extra): array
    {
        return $this->runScript('post-lifecycle.php', array_merge([$this->doubleUrl(), 'demo-magento', $secret, $fixtures], $extra));
    }

    /** @return array<string, array{0: string}> */
    public function fixtureDirs(): array
    {
        $out = [];
        foreach (Fixtures::magentoDirs() as $source => $dir) {
            $out[$source] = [$dir];
        }
        return $out;
    }

    /**
     * @dataProvider fixtureDirs
     */
    public function testPostsTheLifecycleAndReadsTheTimelineInOrder(string $fixtures): void
    {
        [$code, $result, $stderr] = $this->script('demo-magento-secret', $fixtures);

        self::assertSame(0, $code, $stderr);
        self::assertTrue($result['healthz']);
        self::assertSame(
            ['order.placed', 'order.invoiced', 'shipment.created', 'creditmemo.created'],
            array_column($result['posted'], 'event')
        );
        self::assertSame([202, 202, 202, 202], array_column($result['posted'], 'status'));
        self::assertSame(
            ['order_confirmation', 'invoice', 'shipping_notice', 'credit_memo'],
            array_column($result['timeline'], 'documentType')
        );
        self::assertSame(array_column($result['posted'], 'id'), array_column($result['timeline'], 'envelopeId'));

        // The double stored what crossed the wire: the fixture entities, untouched.
        $stored = json_decode((string) file_get_contents($this->state), true)['events'];
        foreach (glob($fixtures . '/envelopes/*.json') as $file) {
            $fixture = Fixtures::json($file);
            if (isset($stored[$fixture['id']])) {
                self::assertSame($fixture['entity'], $stored[$fixture['id']]['entity'], basename($file));
                self::assertSame($fixture['store']['code'], $stored[$fixture['id']]['store']['code']);
            }
        }
        $shipment = array_values(array_filter($stored, static fn (array $e): bool => $e['event'] === 'shipment.created'))[0];
        self::assertNotEmpty($shipment['entity']['tracks']);

        // Posting again is idempotent: same ids, 200.
        [$again, $second] = $this->script('demo-magento-secret', $fixtures);
        self::assertSame(0, $again);
        self::assertSame([200, 200, 200, 200], array_column($second['posted'], 'status'));
        self::assertCount(4, $second['timeline']);
    }

    public function testAWrongSecretFailsWith401(): void
    {
        [$code, $result] = $this->script('wrong-secret', Fixtures::moduleDir() . '/magento');
        self::assertSame(1, $code);
        self::assertSame([401, 401, 401, 401], array_column($result['posted'], 'status'));
        self::assertArrayHasKey('timelineError', $result);
    }

    public function testBadUsageExitsWith2(): void
    {
        [$code, , $stderr] = $this->runScript('post-lifecycle.php', ['only-one']);
        self::assertSame(2, $code);
        self::assertStringContainsString('usage:', $stderr);
    }
}
