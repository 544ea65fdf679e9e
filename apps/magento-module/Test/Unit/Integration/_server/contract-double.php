<?php

// A sidecar double implementing the module-facing contract (signed requests, POST /v1/events with
// idempotent ids, GET /v1/orders/{increment_id}/communications, GET /v1/feedback). State lives in a JSON file named
// by the DOUBLE_STATE environment variable, because php -S keeps no state between requests.

declare(strict_types=1);

$stateFile = (string) getenv('DOUBLE_STATE');
$secrets = ['demo-magento' => 'demo-magento-secret'];
$documentOf = [
    'order.placed' => 'order_confirmation', 'order.invoiced' => 'invoice', 'shipment.created' => 'shipping_notice',
    'creditmemo.created' => 'credit_memo',
];

$method = $_SERVER['REQUEST_METHOD'];
$path = $_SERVER['REQUEST_URI'];
$body = (string) file_get_contents('php://input');
header('Content-Type: application/json');

$reply = static function (int $status, array $json): bool {
    http_response_code($status);
    echo json_encode($json);
    return true;
};

if ($path === '/healthz') {
    return $reply(200, ['ok' => true]);
}
$store = $_SERVER['HTTP_X_EXSTREAM_CONNECT_STORE'] ?? '';
$header = $_SERVER['HTTP_X_EXSTREAM_CONNECT_SIGNATURE'] ?? '';
if (
    !isset($secrets[$store])
    || !preg_match('/^t=(\d+),v1=([0-9a-f]{64})$/', $header, $m)
    || !hash_equals(hash_hmac('sha256', "{$m[1]}.{$method}.{$path}.{$body}", $secrets[$store]), $m[2])
    || abs(time() - (int) $m[1]) > 300
) {
    return $reply(401, ['error' => ['code' => 'UNAUTHENTICATED', 'message' => 'Invalid signature']]);
}

if ($method === 'GET' && preg_match('#^/v1/feedback(?:\?after=([^&]*))?$#', $path, $fm)) {
    // One page: the feed fixture shared with the Node side; after its cursor, nothing new.
    $page = json_decode((string) file_get_contents(__DIR__ . '/../../../fixtures/feedback/feed-page.json'), true);
    $after = rawurldecode($fm[1] ?? '');
    return $reply(200, $after === $page['nextCursor'] ? ['items' => [], 'nextCursor' => $after] : $page);
}

$fp = fopen($stateFile, 'c+');
flock($fp, LOCK_EX);
$state = json_decode((string) stream_get_contents($fp), true) ?: ['events' => []];

if ($method === 'POST' && $path === '/v1/events') {
    $envelope = json_decode($body, true);
    $issues = [];
    foreach (['id', 'event', 'entity', 'store'] as $field) {
        if (empty($envelope[$field])) {
            $issues[] = ['path' => $field, 'message' => 'Required'];
        }
    }
    foreach (['code', 'website', 'locale', 'currency', 'base_url'] as $field) {
        if (empty($envelope['store'][$field]) || !is_string($envelope['store'][$field])) {
            $issues[] = ['path' => 'store.' . $field, 'message' => 'Required'];
        }
    }
    if ($issues !== []) {
        return $reply(400, ['error' => ['code' => 'VALIDATION_FAILED', 'message' => 'Invalid envelope', 'issues' => $issues]]);
    }
    if (isset($state['events'][$envelope['id']])) {
        return $reply(200, ['status' => 'duplicate', 'id' => $envelope['id']]);
    }
    $state['events'][$envelope['id']] = $envelope + ['_seq' => count($state['events'])];
    ftruncate($fp, 0);
    rewind($fp);
    fwrite($fp, json_encode($state));
    return $reply(202, ['status' => 'accepted', 'id' => $envelope['id']]);
}

if ($method === 'GET' && preg_match('#^/v1/orders/([^/]+)/communications$#', $path, $mm)) {
    $ref = rawurldecode($mm[1]);
    $items = [];
    foreach ($state['events'] as $envelope) {
        $order = $envelope['order'] ?? $envelope['entity'];
        if (($order['increment_id'] ?? null) !== $ref || !isset($documentOf[$envelope['event']])) {
            continue;
        }
        $at = gmdate('Y-m-d\TH:i:s', 1780000000 + $envelope['_seq']) . 'Z';
        $items[] = [
            'id' => 'comm-' . $envelope['_seq'], 'documentType' => $documentOf[$envelope['event']], 'channel' => 'email',
            'status' => 'delivered', 'statusHistory' => [['status' => 'delivered', 'at' => $at, 'source' => 'double', 'detail' => null]],
            'templateId' => null, 'templateVersion' => null, 'hasDocument' => true, 'lastError' => null, 'attempt' => 1,
            'createdAt' => $at, 'envelopeId' => $envelope['id'], 'storeCode' => $envelope['store']['code'],
        ];
    }
    // Oldest first, as the sidecar answers (the script prints the order it receives).
    return $reply(200, ['items' => $items]);
}
return $reply(404, ['error' => ['code' => 'NOT_FOUND', 'message' => 'No route']]);
