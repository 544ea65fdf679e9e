<?php

/**
 * Cross-language check: runs the module's real FeedbackPull cron once against a sidecar
 * (GET /v1/feedback, signed, through the real SidecarClient) and applies every item with the real
 * FeedbackApplier to recording doubles of the Magento store described by <harness.json>.
 * Prints { applied, cursor, actions } as JSON on stdout; logs (masked) go to stderr.
 *
 * Usage: php Test/Integration/pull-feedback.php <sidecarUrl> <storeKey> <secret> <harness.json>
 *   harness.json: { "stores": [{ "id", "code", "website_id" }], "orders": [{ "entity_id", "increment_id",
 *   "store_id" }], "guests": [{ "email", "website_id", "status" }] }
 * Exit code 0 when the pull ran, 1 on an error, 2 on bad usage.
 */

declare(strict_types=1);

use ExstreamConnect\Connector\Test\Integration\Support\FeedbackPullRunner;

require __DIR__ . '/../Unit/_bootstrap.php';

if (count($argv) !== 5 || !function_exists('curl_init') || !is_file($argv[4])) {
    fwrite(STDERR, "usage: php pull-feedback.php <sidecarUrl> <storeKey> <secret> <harness.json> (needs php-curl)\n");
    exit(2);
}

try {
    $harness = json_decode((string) file_get_contents($argv[4]), true, 512, JSON_THROW_ON_ERROR);
    $outcome = (new FeedbackPullRunner($argv[1], $argv[2], $argv[3], $harness))->run();
} catch (\Throwable $e) {
    fwrite(STDERR, 'pull-feedback: ' . $e->getMessage() . "\n");
    exit(1);
}
echo json_encode($outcome, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
exit(0);
