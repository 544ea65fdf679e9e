<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Support;

/**
 * The Magento REST JSON fixtures shared with the Node side. The core package's fixtures
 * (packages/core/test/fixtures/magento) are used when present; the module's own copies under
 * Test/fixtures/magento are always checked too, so the suite also runs from a module-only checkout.
 */
final class Fixtures
{
    public static function moduleDir(): string
    {
        return dirname(__DIR__, 2) . '/fixtures';
    }

    /** @return string[] existing fixture roots (each holding envelopes/*.json) */
    public static function magentoDirs(): array
    {
        $dirs = [];
        $core = getenv('EXSTREAM_CORE_FIXTURES') ?: dirname(__DIR__, 5) . '/packages/core/test/fixtures/magento';
        if (is_dir($core . '/envelopes')) {
            $dirs['core'] = realpath($core);
        }
        $dirs['module'] = self::moduleDir() . '/magento';
        return $dirs;
    }

    /**
     * @return array<string, array{0: string, 1: array<string, mixed>}> "source:file" => [path, envelope]
     */
    public static function envelopes(): array
    {
        $out = [];
        foreach (self::magentoDirs() as $source => $dir) {
            foreach (glob($dir . '/envelopes/*.json') ?: [] as $file) {
                $out[$source . ':' . basename($file)] = [$file, self::json($file)];
            }
        }
        return $out;
    }

    /**
     * The catalog a fixture root's envelopes were built from (Test/fixtures/catalog/<source>.json,
     * source "core" or "module", the keys of magentoDirs()).
     */
    public static function catalog(string $source): CatalogDouble
    {
        return CatalogDouble::fromFile(self::moduleDir() . '/catalog/' . $source . '.json');
    }

    /** @return array<string, mixed> */
    public static function json(string $file): array
    {
        $data = json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
        if (!is_array($data)) {
            throw new \UnexpectedValueException($file . ' is not a JSON object');
        }
        return $data;
    }
}
