<?php

// A tiny sidecar double for SidecarClientHttpTest, run with `php -S 127.0.0.1:<port> router.php`.
// It verifies the signature the way the Node sidecar does (t.METHOD.path.rawBody, 300 s window)
// and answers with what it received, so the test sees the request as it crossed the wire.

declare(strict_types=1);

$secret = 'wire-secret';
$method = $_SERVER['REQUEST_METHOD'];
$path = $_SERVER['REQUEST_URI'];
$body = (string) file_get_contents('php://input');
$store = $_SERVER['HTTP_X_EXSTREAM_CONNECT_STORE'] ?? '';
$header = $_SERVER['HTTP_X_EXSTREAM_CONNECT_SIGNATURE'] ?? '';

header('Content-Type: application/json');
if ($path === '/healthz') {
    echo '{"ok":true}';
    return true;
}
if (strpos($path, '/slow') === 0) {
    sleep(3);
    echo '{"items":[]}';
    return true;
}
if (!preg_match('/^t=(\d+),v1=([0-9a-f]{64})$/', $header, $m) || $store !== 'wire-store') {
    http_response_code(401);
    echo '{"error":{"code":"UNAUTHENTICATED","message":"Missing or malformed signature"}}';
    return true;
}
$expected = hash_hmac('sha256', $m[1] . '.' . $method . '.' . $path . '.' . $body, $secret);
if (!hash_equals($expected, $m[2]) || abs(time() - (int) $m[1]) > 300) {
    http_response_code(401);
    echo '{"error":{"code":"UNAUTHENTICATED","message":"Invalid signature"}}';
    return true;
}
if ($path === '/v1/events' && $method === 'POST') {
    if (strlen($body) > 1048576) {
        http_response_code(413);
        echo '{"error":{"code":"PAYLOAD_TOO_LARGE","message":"Body over 1 MiB"}}';
        return true;
    }
    http_response_code(202);
}
echo json_encode(['method' => $method, 'path' => $path, 'body' => $body, 'items' => [], 'ok' => true]);
return true;
