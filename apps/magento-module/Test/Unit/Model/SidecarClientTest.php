<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model;

use ExstreamConnect\Connector\Model\Clock;
use ExstreamConnect\Connector\Model\Connection;
use ExstreamConnect\Connector\Model\SidecarClient;
use ExstreamConnect\Connector\Model\SidecarException;
use ExstreamConnect\Connector\Model\Signer;
use Magento\Framework\HTTP\Client\Curl;
use Magento\Framework\HTTP\Client\CurlFactory;
use PHPUnit\Framework\MockObject\MockObject;
use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;

class SidecarClientTest extends TestCase
{
    private const NOW = 1780000000;

    /** @var Curl&MockObject */
    private $curl;
    /** @var array<string, string> */
    private array $sentHeaders = [];
    /** @var array<int, mixed> */
    private array $options = [];
    /** @var array{0: string, 1: string, 2: ?string}|null */
    private ?array $request = null;
    /** @var LoggerInterface&MockObject */
    private $logger;

    protected function setUp(): void
    {
        $this->curl = $this->createMock(Curl::class);
        $this->curl->method('setHeaders')->willReturnCallback(function (array $headers): void {
            $this->sentHeaders = $headers;
        });
        $this->curl->method('setOption')->willReturnCallback(function ($name, $value): void {
            $this->options[$name] = $value;
        });
        $this->curl->method('get')->willReturnCallback(function (string $url): void {
            $this->request = ['GET', $url, null];
        });
        $this->curl->method('post')->willReturnCallback(function (string $url, $body): void {
            $this->request = ['POST', $url, $body];
        });
        $this->logger = $this->createMock(LoggerInterface::class);
    }

    private function client(): SidecarClient
    {
        $factory = $this->createMock(CurlFactory::class);
        $factory->method('create')->willReturn($this->curl);
        $clock = $this->createMock(Clock::class);
        $clock->method('now')->willReturn(self::NOW);
        return new SidecarClient($factory, new Signer(), $clock, $this->logger);
    }

    private function connection(string $url = 'https://sidecar.example.com'): Connection
    {
        return new Connection($url, 'demo-magento', 'demo-magento-secret', 4);
    }

    private function respond(int $status, string $body, array $headers = ['Content-Type' => 'application/json']): void
    {
        $this->curl->method('getStatus')->willReturn($status);
        $this->curl->method('getBody')->willReturn($body);
        $this->curl->method('getHeaders')->willReturn($headers);
    }

    public function testPostEventSignsTheExactBytesItSends(): void
    {
        $this->respond(202, '{"status":"accepted"}');
        $raw = '{"id":"order:1:placed","event":"order.placed"}';

        $response = $this->client()->postEvent($this->connection(), $raw);

        self::assertSame(202, $response->getStatus());
        self::assertSame(['POST', 'https://sidecar.example.com/v1/events', $raw], $this->request);
        self::assertSame('demo-magento', $this->sentHeaders['X-Exstream-Connect-Store']);
        $expected = 't=' . self::NOW . ',v1=' . hash_hmac(
            'sha256',
            self::NOW . '.POST./v1/events.' . $raw,
            'demo-magento-secret'
        );
        self::assertSame($expected, $this->sentHeaders['X-Exstream-Connect-Signature']);
        self::assertSame('application/json', $this->sentHeaders['Content-Type']);
    }

    public function testGetSignsPathWithQueryAndAnEmptyBody(): void
    {
        $this->respond(200, '{"items":[{"cursor":"c2","type":"communication_status"}],"nextCursor":"c2"}');

        $result = $this->client()->getFeedback($this->connection(), 'c1/x');

        self::assertSame(['GET', 'https://sidecar.example.com/v1/feedback?after=c1%2Fx', null], $this->request);
        $expected = hash_hmac('sha256', self::NOW . '.GET./v1/feedback?after=c1%2Fx.', 'demo-magento-secret');
        self::assertStringEndsWith(',v1=' . $expected, $this->sentHeaders['X-Exstream-Connect-Signature']);
        self::assertSame('c2', $result['nextCursor']);
        self::assertCount(1, $result['items']);
    }

    public function testBaseUrlPathPrefixIsPartOfTheSignedPath(): void
    {
        $this->respond(200, '{"items":[]}');
        $this->client()->getTimeline($this->connection('https://example.com/exstream'), '000000142');

        self::assertSame('https://example.com/exstream/v1/orders/000000142/communications', $this->request[1]);
        $expected = hash_hmac(
            'sha256',
            self::NOW . '.GET./exstream/v1/orders/000000142/communications.',
            'demo-magento-secret'
        );
        self::assertStringEndsWith(',v1=' . $expected, $this->sentHeaders['X-Exstream-Connect-Signature']);
    }

    public function testPutIsSentAsCustomRequestWithTheJsonBody(): void
    {
        $this->respond(200, '{"rules":[]}');
        $this->client()->putSettings($this->connection(), ['rules' => []]);

        self::assertSame('PUT', $this->options[CURLOPT_CUSTOMREQUEST]);
        self::assertSame('{"rules":[]}', $this->request[2]);
        $expected = hash_hmac('sha256', self::NOW . '.PUT./v1/settings.{"rules":[]}', 'demo-magento-secret');
        self::assertStringEndsWith(',v1=' . $expected, $this->sentHeaders['X-Exstream-Connect-Signature']);
    }

    public function testUsesTheConnectionTimeoutAndAShortConnectTimeout(): void
    {
        $this->respond(200, '{"items":[]}');
        $this->curl->expects(self::once())->method('setTimeout')->with(2);
        $this->client()->getTimeline($this->connection()->withTimeout(2), '1');
        self::assertSame(2, $this->options[CURLOPT_CONNECTTIMEOUT]);
        self::assertFalse($this->options[CURLOPT_FOLLOWLOCATION]);
    }

    public function testTransportErrorBecomesAnUnreachableException(): void
    {
        $this->curl = $this->createMock(Curl::class);
        $this->curl->method('post')->willThrowException(new \Exception('Operation timed out after 4001 milliseconds'));
        $this->logger->expects(self::once())->method('warning');
        try {
            $this->client()->postEvent($this->connection(), '{}');
            self::fail('expected an exception');
        } catch (SidecarException $e) {
            self::assertTrue($e->isUnreachable());
            self::assertFalse($e->isPermanent());
            self::assertStringContainsString('timed out', $e->getMessage());
        }
    }

    public function testValidationErrorCarriesTheFieldIssuesAndIsPermanent(): void
    {
        $this->respond(400, json_encode(['error' => [
            'code' => 'VALIDATION_FAILED',
            'message' => 'Invalid envelope',
            'issues' => [['path' => 'entity.customer_email', 'message' => 'Required']],
        ]]));
        try {
            $this->client()->postEvent($this->connection(), '{}');
            self::fail('expected an exception');
        } catch (SidecarException $e) {
            self::assertSame(400, $e->getStatus());
            self::assertSame('VALIDATION_FAILED', $e->getErrorCode());
            self::assertTrue($e->isPermanent());
            self::assertSame([['path' => 'entity.customer_email', 'message' => 'Required']], $e->getIssues());
            self::assertStringContainsString('entity.customer_email: Required', $e->describe());
        }
    }

    public function testUnauthorizedIsRetryableWithAHint(): void
    {
        $this->respond(401, '{"error":{"code":"UNAUTHENTICATED","message":"Invalid signature"}}');
        try {
            $this->client()->testConnection($this->connection());
            self::fail('expected an exception');
        } catch (SidecarException $e) {
            self::assertSame(401, $e->getStatus());
            self::assertFalse($e->isPermanent());
            self::assertStringContainsString('shared secret', $e->getMessage());
        }
    }

    public function testTooLargeIsPermanentAndRetryAfterIsRead(): void
    {
        $this->respond(413, '', []);
        try {
            $this->client()->postEvent($this->connection(), '{}');
            self::fail('expected an exception');
        } catch (SidecarException $e) {
            self::assertTrue($e->isPermanent());
        }

        $this->setUp();
        $this->respond(503, 'busy', ['Retry-After' => '120', 'Content-Type' => 'text/plain']);
        try {
            $this->client()->postEvent($this->connection(), '{}');
            self::fail('expected an exception');
        } catch (SidecarException $e) {
            self::assertSame(120, $e->getRetryAfter());
            self::assertFalse($e->isPermanent());
            self::assertStringContainsString('busy', $e->getMessage());
        }
    }

    public function testStatementRunPostsThePeriodSignedAndRunsAreRead(): void
    {
        $this->respond(202, '{"started":true,"run":{"id":"r1","periodStart":"2026-06-01","periodEnd":"2026-06-30","status":"queued"}}');
        $answer = $this->client()->startStatementRun($this->connection(), '2026-06-30');

        self::assertSame(['POST', 'https://sidecar.example.com/v1/statements/run', '{"periodEnd":"2026-06-30"}'], $this->request);
        $expected = hash_hmac('sha256', self::NOW . '.POST./v1/statements/run.{"periodEnd":"2026-06-30"}', 'demo-magento-secret');
        self::assertStringEndsWith(',v1=' . $expected, $this->sentHeaders['X-Exstream-Connect-Signature']);
        self::assertTrue($answer['started']);
        self::assertSame('r1', $answer['run']['id']);

        $this->setUp();
        $this->respond(202, '{"started":true,"run":{"id":"r2"}}');
        $this->client()->startStatementRun($this->connection());
        self::assertSame('{}', $this->request[2], 'no period: the latest closed one');

        $this->setUp();
        $this->respond(200, '{"runs":[{"id":"r1","status":"sent"},"junk",{"id":"r2","status":"queued"}]}');
        $runs = $this->client()->getStatementRuns($this->connection());
        self::assertSame(['GET', 'https://sidecar.example.com/v1/statements/runs', null], $this->request);
        self::assertSame(['r1', 'r2'], array_column($runs, 'id'));

        $this->setUp();
        $this->respond(200, '{"items":[]}');
        $this->expectException(SidecarException::class);
        $this->client()->getStatementRuns($this->connection());
    }

    public function testTimelineWithoutItemsIsAnError(): void
    {
        $this->respond(200, '{"nope":true}');
        $this->expectException(SidecarException::class);
        $this->client()->getTimeline($this->connection(), '000000142');
    }

    public function testNeverLogsTheSecretOrSignature(): void
    {
        $this->respond(500, '{"error":{"code":"INTERNAL","message":"boom"}}');
        $logged = [];
        $this->logger->method('warning')->willReturnCallback(function ($message, array $context) use (&$logged): void {
            $logged[] = $message . json_encode($context);
        });
        try {
            $this->client()->postEvent($this->connection(), '{}');
        } catch (SidecarException $e) {
            // expected
        }
        self::assertNotEmpty($logged);
        foreach ($logged as $line) {
            self::assertStringNotContainsString('demo-magento-secret', $line);
            self::assertStringNotContainsString('v1=', $line);
        }
    }

    public function testHealthIsUnsigned(): void
    {
        $this->respond(200, '{"ok":true}');
        self::assertTrue($this->client()->health($this->connection()));
        self::assertArrayNotHasKey('X-Exstream-Connect-Signature', $this->sentHeaders);
        self::assertSame('https://sidecar.example.com/healthz', $this->request[1]);
    }
}
