<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Support;

/**
 * Starts Test/Unit/Integration/_server/contract-double.php (a PHP stand-in for the sidecar contract)
 * on a free loopback port for one test, and runs the module's integration scripts against it.
 */
trait ContractDoubleServer
{
    /** @var resource|null */
    private $server = null;
    private int $port = 0;
    private string $state = '';

    private function startDouble(): void
    {
        if (!function_exists('curl_init')) {
            self::markTestSkipped('php-curl is not installed');
        }
        $this->state = (string) tempnam(sys_get_temp_dir(), 'exstream-double-');
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $this->port = (int) substr((string) strrchr((string) stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        $this->server = proc_open(
            [PHP_BINARY, '-S', '127.0.0.1:' . $this->port, dirname(__DIR__) . '/Integration/_server/contract-double.php'],
            [0 => ['pipe', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            ['DOUBLE_STATE' => $this->state]
        );
        for ($i = 0; $i < 100; $i++) {
            $probe = @fsockopen('127.0.0.1', $this->port, $errno, $errstr, 0.1);
            if ($probe) {
                fclose($probe);
                return;
            }
            usleep(50000);
        }
        self::fail('The sidecar double did not start');
    }

    private function stopDouble(): void
    {
        if (is_resource($this->server)) {
            proc_terminate($this->server);
            proc_close($this->server);
        }
        if ($this->state !== '' && is_file($this->state)) {
            unlink($this->state);
        }
    }

    private function doubleUrl(): string
    {
        return 'http://127.0.0.1:' . $this->port;
    }

    /**
     * Runs a script under Test/Integration with the given arguments.
     *
     * @param string[] $args
     * @return array{0: int, 1: array<string, mixed>|null, 2: string} exit code, decoded stdout, stderr
     */
    private function runScript(string $script, array $args): array
    {
        $command = array_merge([PHP_BINARY, dirname(__DIR__, 2) . '/Integration/' . $script], $args);
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $stdout = (string) stream_get_contents($pipes[1]);
        $stderr = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $code = proc_close($process);
        return [$code, json_decode($stdout, true), $stderr];
    }
}
