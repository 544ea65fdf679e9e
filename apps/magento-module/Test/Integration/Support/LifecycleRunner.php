<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Integration\Support;

use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Connection;
use ExstreamConnect\Connector\Model\PayloadBuilder;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use ExstreamConnect\Connector\Model\Signer;
use ExstreamConnect\Connector\Test\Unit\Support\CatalogDouble;
use ExstreamConnect\Connector\Test\Unit\Support\Fixtures;
use Magento\Framework\HTTP\Client\CurlFactory;
use Magento\Framework\Webapi\ServiceOutputProcessor;

/**
 * Posts one order's lifecycle (order -> invoice -> shipment with track -> credit memo) from
 * fixture envelopes through the module's real PayloadBuilder and SidecarClient, then reads the
 * order's timeline back. Talks to any server implementing the sidecar contract.
 */
class LifecycleRunner
{
    public const LIFECYCLE = ['order.placed', 'order.invoiced', 'shipment.created', 'creditmemo.created'];
    private const UNSETTLED = ['queued', 'sending', 'pending', 'processing'];

    public function __construct(
        private readonly string $sidecarUrl,
        private readonly string $storeKey,
        private readonly string $secret,
        private readonly string $fixturesDir,
        private readonly string $idSuffix = '',
        private readonly int $waitSeconds = 0,
        private readonly int $minEntries = 4
    ) {
    }

    /**
     * @return array{ok: bool, result: array<string, mixed>}
     */
    public function run(): array
    {
        $envelopes = $this->lifecycleEnvelopes();
        $order = $envelopes[0]['entity'];
        $incrementId = (string) $order['increment_id'];
        $logger = new StderrLogger();
        $client = new SidecarClient(new CurlFactory(), new Signer(), new Clock(), $logger);
        $connection = new Connection(rtrim($this->sidecarUrl, '/'), $this->storeKey, $this->secret, 10);

        $result = [
            'sidecarUrl' => $this->sidecarUrl,
            'storeKey' => $this->storeKey,
            'orderIncrementId' => $incrementId,
            'healthz' => $client->health($connection),
            'posted' => [],
            'timeline' => [],
        ];
        $ok = true;
        foreach ($envelopes as $envelope) {
            $raw = $this->build($envelope);
            try {
                $response = $client->postEvent($connection, $raw);
                $result['posted'][] = [
                    'event' => $envelope['event'],
                    'id' => json_decode($raw, true)['id'],
                    'status' => $response->getStatus(),
                    'body' => $response->getJson(),
                ];
            } catch (SidecarException $e) {
                $ok = false;
                $result['posted'][] = [
                    'event' => $envelope['event'],
                    'id' => json_decode($raw, true)['id'],
                    'status' => $e->getStatus(),
                    'error' => $e->describe(),
                ];
            }
        }

        $deadline = time() + $this->waitSeconds;
        do {
            try {
                $result['timeline'] = $client->getTimeline($connection, $incrementId);
                unset($result['timelineError']);
            } catch (SidecarException $e) {
                $result['timelineError'] = $e->describe();
            }
            if ($this->settled($result['timeline']) || time() >= $deadline) {
                break;
            }
            sleep(1);
        } while (true);
        if (isset($result['timelineError'])) {
            $ok = false;
        }
        // Printed exactly as the sidecar returned it: the callers check the sidecar's own order.
        return ['ok' => $ok, 'result' => $result];
    }

    /**
     * @param array<int, array<string, mixed>> $timeline
     */
    private function settled(array $timeline): bool
    {
        if (count($timeline) < $this->minEntries) {
            return false;
        }
        foreach ($timeline as $entry) {
            if (in_array($entry['status'] ?? '', self::UNSETTLED, true)) {
                return false;
            }
        }
        return true;
    }

    /** The catalog of the fixture root (Test/fixtures/catalog/<core|module>.json), else an empty one. */
    private function catalog(): CatalogDouble
    {
        foreach (Fixtures::magentoDirs() as $source => $dir) {
            if (realpath($dir) === realpath($this->fixturesDir)) {
                return Fixtures::catalog((string) $source);
            }
        }
        return new CatalogDouble();
    }

    /**
     * The first order.placed envelope (by file name) and the invoice, shipment and credit memo
     * envelopes of the same order, in lifecycle order.
     *
     * @return array<int, array<string, mixed>>
     */
    private function lifecycleEnvelopes(): array
    {
        $files = glob(rtrim($this->fixturesDir, '/') . '/envelopes/*.json') ?: [];
        sort($files);
        $all = [];
        foreach ($files as $file) {
            $all[] = json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
        }
        $placed = null;
        foreach ($all as $envelope) {
            if ($envelope['event'] === 'order.placed') {
                $placed = $envelope;
                break;
            }
        }
        if ($placed === null) {
            throw new \RuntimeException('No order.placed envelope under ' . $this->fixturesDir . '/envelopes');
        }
        $orderId = $placed['entity']['entity_id'];
        $chosen = [];
        foreach (self::LIFECYCLE as $event) {
            foreach ($all as $envelope) {
                $sameOrder = $event === 'order.placed'
                    ? $envelope === $placed
                    : ($envelope['entity']['order_id'] ?? null) === $orderId;
                if ($envelope['event'] === $event && $sameOrder) {
                    $chosen[] = $envelope;
                    continue 2;
                }
            }
            throw new \RuntimeException('No ' . $event . ' envelope for order ' . $orderId);
        }
        return $chosen;
    }

    /**
     * The envelope as the module's dispatcher would serialise it: built by PayloadBuilder from
     * repositories that hold the fixture entities.
     *
     * @param array<string, mixed> $envelope
     */
    private function build(array $envelope): string
    {
        $repository = new FixtureRepository();
        $repository->put($envelope['entity']);
        $order = $envelope['order'] ?? ($envelope['event'] === 'order.placed' ? $envelope['entity'] : null);
        if (is_array($order)) {
            $repository->put($order);
        }
        $catalog = $this->catalog();
        $config = new Config(new ArrayScopeConfig([
            Config::XML_PATH_ENABLED => '1',
            Config::XML_PATH_BRAND => $envelope['store']['brand'] ?? '',
            Config::XML_PATH_STORE_LOCALE => $envelope['store']['locale'],
            // The store view allows email only: the sidecar must not produce the demo rules' print copies.
            Config::XML_PATH_CHANNELS => 'email',
        ] + $catalog->config()));
        $builder = new PayloadBuilder(
            $repository,
            $repository,
            $repository,
            $repository,
            $repository,
            new ServiceOutputProcessor(),
            new FixtureStoreManager($envelope['store']),
            $config,
            // The fixtures' catalog, when there is one: the envelopes carry their products' facts.
            $catalog->collector($config)
        );
        $types = [
            'order.placed' => 'order',
            'order.invoiced' => 'invoice',
            'shipment.created' => 'shipment',
            'creditmemo.created' => 'creditmemo',
        ];
        $built = $builder->build([
            'idempotency_key' => $envelope['id'] . ($this->idSuffix !== '' ? ':' . $this->idSuffix : ''),
            'event' => $envelope['event'],
            'entity_type' => $types[$envelope['event']],
            'entity_id' => $envelope['entity']['entity_id'],
            'order_id' => $order['entity_id'] ?? null,
            'store_id' => 1,
            'created_at' => $envelope['occurred_at'] ?? null,
        ]);
        return json_encode(
            $built,
            JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION
        );
    }
}
