<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model;

use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Connection;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use ExstreamConnect\Connector\Model\Signer;
use Magento\Framework\HTTP\Client\CurlFactory;
use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;

/**
 * The client over real loopback HTTP (PHP's built-in server as the sidecar double), using the
 * curl-backed Curl stub: what is signed is what crosses the wire, and a slow sidecar times out.
 */
class SidecarClientHttpTest extends TestCase
{
    /** @var resource|null */
    private static $server = null;
    private static int $port = 0;

    public static function setUpBeforeClass(): void
    {
        if (!function_exists('curl_init')) {
            self::markTestSkipped('php-curl is not installed');
        }
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        self::$port = (int) substr((string) strrchr((string) stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        $router = __DIR__ . '/_server/router.php';
        self::$server = proc_open(
            [PHP_BINARY, '-S', '127.0.0.1:' . self::$port, $router],
            [0 => ['pipe', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes
        );
        for ($i = 0; $i < 100; $i++) {
            $probe = @fsockopen('127.0.0.1', self::$port, $errno, $errstr, 0.1);
            if ($probe) {
                fclose($probe);
                return;
            }
            usleep(50000);
        }
        self::fail('The PHP built-in server did not start');
    }

    public static function tearDownAfterClass(): void
    {
        if (is_resource(self::$server)) {
            proc_terminate(self::$server);
            proc_close(self::$server);
        }
    }

    private function client(): SidecarClient
    {
        return new SidecarClient(new CurlFactory(), new Signer(), new Clock(), $this->createMock(LoggerInterface::class));
    }

    private function connection(string $secret = 'wire-secret', int $timeout = 5): Connection
    {
        return new Connection('http://127.0.0.1:' . self::$port, 'wire-store', $secret, $timeout);
    }

    public function testSignedPostIsAcceptedWithTheBodyIntact(): void
    {
        $raw = '{"id":"order:1:placed","note":"Été – ünïcödé"}';
        $response = $this->client()->postEvent($this->connection(), $raw);
        self::assertSame(202, $response->getStatus());
        self::assertSame($raw, $response->getJson()['body']);
    }

    public function testSignedGetWithQueryAndPutAreAccepted(): void
    {
        $feedback = $this->client()->getFeedback($this->connection(), 'cursor 7');
        self::assertSame([], $feedback['items']);

        $settings = $this->client()->putSettings($this->connection(), ['defaults' => ['brand' => 'B']]);
        self::assertSame('PUT', $settings['method']);
        self::assertSame('/v1/settings', $settings['path']);
        self::assertSame('{"defaults":{"brand":"B"}}', $settings['body']);
    }

    public function testWrongSecretIsRejectedWith401(): void
    {
        try {
            $this->client()->postEvent($this->connection('not-the-secret'), '{}');
            self::fail('expected a 401');
        } catch (SidecarException $e) {
            self::assertSame(401, $e->getStatus());
            self::assertSame('UNAUTHENTICATED', $e->getErrorCode());
        }
    }

    public function testSlowSidecarTimesOutAsUnreachable(): void
    {
        try {
            $this->client()->send($this->connection('wire-secret', 1), 'GET', '/slow');
            self::fail('expected a timeout');
        } catch (SidecarException $e) {
            self::assertTrue($e->isUnreachable());
        }
    }

    public function testClosedPortIsUnreachable(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        try {
            $this->client()->postEvent(new Connection('http://127.0.0.1:' . $port, 'k', 's', 2), '{}');
            self::fail('expected a connection error');
        } catch (SidecarException $e) {
            self::assertTrue($e->isUnreachable());
        }
    }

    public function testHealthNeedsNoSignature(): void
    {
        self::assertTrue($this->client()->health($this->connection('whatever')));
    }
}
