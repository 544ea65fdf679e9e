<?php

/**
 * Cross-language check: the module's real SidecarClient signs and posts an order lifecycle
 * (order -> invoice -> shipment with track -> credit memo) to a sidecar, then prints the order's
 * timeline as JSON on stdout.
 *
 * Usage: php Test/Integration/post-lifecycle.php <sidecarUrl> <storeKey> <secret> <fixturesDir>
 *            [--wait=<seconds>] [--min-entries=<n>] [--id-suffix=<text>]
 *   fixturesDir holds envelopes/*.json (e.g. packages/core/test/fixtures/magento)
 *   --wait        poll the timeline until it has min-entries settled entries (default 0: read once)
 *   --id-suffix   appended to every envelope id, to post the lifecycle again as new events
 * Exit code 0 when every post got a 2xx and the timeline was read; 1 otherwise; 2 on bad usage.
 */

declare(strict_types=1);

use ExstreamConnect\Connector\Test\Integration\Support\LifecycleRunner;

require __DIR__ . '/../Unit/_bootstrap.php';

$positional = [];
$options = ['wait' => '0', 'min-entries' => '4', 'id-suffix' => ''];
foreach (array_slice($argv, 1) as $arg) {
    if (preg_match('/^--([a-z-]+)=(.*)$/', $arg, $m) && array_key_exists($m[1], $options)) {
        $options[$m[1]] = $m[2];
    } else {
        $positional[] = $arg;
    }
}
if (count($positional) !== 4 || !function_exists('curl_init')) {
    fwrite(STDERR, "usage: php post-lifecycle.php <sidecarUrl> <storeKey> <secret> <fixturesDir> "
        . "[--wait=<seconds>] [--min-entries=<n>] [--id-suffix=<text>] (needs php-curl)\n");
    exit(2);
}

try {
    $runner = new LifecycleRunner(
        $positional[0],
        $positional[1],
        $positional[2],
        $positional[3],
        $options['id-suffix'],
        max(0, min(600, (int) $options['wait'])),
        max(0, (int) $options['min-entries'])
    );
    $outcome = $runner->run();
} catch (\Throwable $e) {
    fwrite(STDERR, 'post-lifecycle: ' . $e->getMessage() . "\n");
    exit(1);
}
echo json_encode($outcome['result'], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
exit($outcome['ok'] ? 0 : 1);
