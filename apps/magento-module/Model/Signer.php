<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Model;

/**
 * The request signature the sidecar verifies:
 * X-Exstream-Connect-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t.METHOD.path.rawBody)>
 * where path includes the query string and rawBody is empty for GET. The Node side computes the
 * same string (apps/magento-sidecar/src/verify-signature.ts); Test/fixtures/signature-vectors.json
 * pins both to fixed vectors.
 */
class Signer
{
    public const STORE_HEADER = 'X-Exstream-Connect-Store';
    public const SIGNATURE_HEADER = 'X-Exstream-Connect-Signature';

    public function signature(string $secret, int $timestamp, string $method, string $path, string $rawBody): string
    {
        $signed = $timestamp . '.' . strtoupper($method) . '.' . $path . '.' . $rawBody;
        return hash_hmac('sha256', $signed, $secret);
    }

    public function header(string $secret, int $timestamp, string $method, string $path, string $rawBody): string
    {
        return 't=' . $timestamp . ',v1=' . $this->signature($secret, $timestamp, $method, $path, $rawBody);
    }
}
