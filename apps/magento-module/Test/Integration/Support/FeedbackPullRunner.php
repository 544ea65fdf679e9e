<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Integration\Support;

use ExstreamConnect\Connector\Cron\FeedbackPull;
use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Feedback\FeedbackApplier;
use ExstreamConnect\Connector\Model\RemoteStores;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\Signer;
use Magento\Framework\Api\SearchCriteriaBuilder;
use Magento\Framework\FlagManager;
use Magento\Framework\HTTP\Client\CurlFactory;

/**
 * Runs the module's real FeedbackPull cron (RemoteStores, SidecarClient over curl, FeedbackApplier)
 * once against a sidecar, with recording doubles for the Magento parts it writes to: orders and
 * their comment history, and the newsletter. Returns what it did.
 */
class FeedbackPullRunner
{
    /**
     * @param array{
     *   stores: array<int, array{id: int, code: string, website_id: int}>,
     *   orders?: array<int, array{entity_id: int, increment_id: string, store_id: int}>,
     *   guests?: array<int, array{email: string, website_id: int, status: int}>
     * } $harness
     */
    public function __construct(
        private readonly string $sidecarUrl,
        private readonly string $storeKey,
        private readonly string $secret,
        private readonly array $harness
    ) {
    }

    /**
     * @return array{applied: int, cursor: mixed, actions: array<int, array<string, mixed>>}
     */
    public function run(): array
    {
        $log = new ActionLog();
        $logger = new StderrLogger();
        $stores = new HarnessStoreManager($this->harness['stores']);
        $config = new Config(new ArrayScopeConfig([
            Config::XML_PATH_ENABLED => '1',
            Config::XML_PATH_SIDECAR_URL => $this->sidecarUrl,
            Config::XML_PATH_STORE_KEY => $this->storeKey,
            Config::XML_PATH_SHARED_SECRET => $this->secret,
            Config::XML_PATH_TIMEOUT => '10',
            Config::XML_PATH_ORDER_COMMENTS => '1',
            Config::XML_PATH_APPLY_CONSENT => '1',
        ]));
        $orders = new RecordingOrders($this->harness['orders'] ?? [], $log);
        $newsletter = new RecordingNewsletter($this->harness['guests'] ?? [], $log);
        $applier = new FeedbackApplier(
            $config,
            $orders,
            $orders,
            new SearchCriteriaBuilder(),
            $newsletter,
            $newsletter,
            $stores,
            $logger
        );
        $flags = new FlagManager();
        $client = new SidecarClient(new CurlFactory(), new Signer(), new Clock(), $logger);
        $pull = new FeedbackPull(new RemoteStores($stores, $config), $client, $applier, $flags, $logger);
        $applied = $pull->execute();
        $first = (int) $this->harness['stores'][0]['id'];
        $connection = $config->getConnection($first);
        return [
            'applied' => $applied,
            'cursor' => $connection !== null ? $flags->getFlagData(FeedbackPull::flagCode($connection)) : null,
            'actions' => $log->actions,
        ];
    }
}
