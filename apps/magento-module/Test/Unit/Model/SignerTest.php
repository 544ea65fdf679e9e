<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model;

use ExstreamConnect\Connector\Model\Signer;
use ExstreamConnect\Connector\Test\Unit\Support\Fixtures;
use PHPUnit\Framework\TestCase;

class SignerTest extends TestCase
{
    /**
     * @return array<string, array{0: array<string, mixed>}>
     */
    public function vectors(): array
    {
        $file = Fixtures::moduleDir() . '/signature-vectors.json';
        $data = Fixtures::json($file);
        $out = [];
        foreach ($data['vectors'] as $vector) {
            $out[$vector['name']] = [$vector];
        }
        return $out;
    }

    /**
     * @dataProvider vectors
     * @param array<string, mixed> $vector
     */
    public function testReproducesTheSharedVector(array $vector): void
    {
        // GIVEN a vector generated with Node's crypto WHEN PHP signs the same inputs THEN the header is identical
        $header = (new Signer())->header(
            $vector['secret'],
            (int) $vector['timestamp'],
            $vector['method'],
            $vector['path'],
            $vector['body']
        );
        self::assertSame($vector['header'], $header);
    }

    public function testMethodIsUpperCasedAndEveryPartIsSigned(): void
    {
        $signer = new Signer();
        $base = $signer->signature('s', 1, 'POST', '/v1/events', '{}');
        self::assertSame($base, $signer->signature('s', 1, 'post', '/v1/events', '{}'));
        self::assertNotSame($base, $signer->signature('s', 2, 'POST', '/v1/events', '{}'));
        self::assertNotSame($base, $signer->signature('s', 1, 'PUT', '/v1/events', '{}'));
        self::assertNotSame($base, $signer->signature('s', 1, 'POST', '/v1/events?x=1', '{}'));
        self::assertNotSame($base, $signer->signature('s', 1, 'POST', '/v1/events', '{ }'));
        self::assertNotSame($base, $signer->signature('t', 1, 'POST', '/v1/events', '{}'));
        self::assertMatchesRegularExpression('/^[0-9a-f]{64}$/', $base);
    }
}
