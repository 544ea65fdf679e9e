<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Model;

use ExstreamConnect\Connector\Model\Config;
use ExstreamConnect\Connector\Model\Events;
use ExstreamConnect\Connector\Test\Unit\Support\FakeScopeConfig;
use PHPUnit\Framework\TestCase;

class ConfigTest extends TestCase
{
    public function testEveryPerStoreValueIsReadWithTheStoreScope(): void
    {
        $scope = FakeScopeConfig::enabled();
        $config = new Config($scope);

        $config->getConnection(3);
        $config->isEventEnabled(Events::ORDER_PLACED, 3);
        $config->getBrand(3);
        $config->getLocale(3);
        $config->getChannels(3);
        $config->getAbandonedCartDelayMinutes(3);
        $config->getAdminTimeout(3);
        $config->getProductTypeAttribute(3);
        $config->getTagsAttribute(3);

        self::assertNotEmpty($scope->reads);
        foreach ($scope->reads as [$path, $scopeType, $scopeCode]) {
            self::assertSame('store', $scopeType, $path . ' read without the store scope');
            self::assertSame(3, $scopeCode, $path . ' read for another store');
        }
    }

    public function testStoreValuesOverrideDefaults(): void
    {
        $scope = FakeScopeConfig::enabled();
        $scope->set('exstream_connect/store/brand', 'Maison', 2);
        $scope->set('exstream_connect/general/store_key', 'eu-store', 2);
        $scope->set('general/locale/code', 'fr_FR', 2);
        $scope->set('exstream_connect/store/locale_override', 'fr_CA', 4);
        $config = new Config($scope);

        self::assertSame('Maison', $config->getBrand(2));
        self::assertNull($config->getBrand(1));
        self::assertSame('eu-store', $config->getConnection(2)->getStoreKey());
        self::assertSame('demo-magento', $config->getConnection(1)->getStoreKey());
        self::assertSame('fr_FR', $config->getLocale(2));
        self::assertSame('fr_CA', $config->getLocale(4));
        self::assertSame('en_US', $config->getLocale(1));
    }

    public function testConnectionIsNullWhenDisabledOrIncomplete(): void
    {
        $scope = FakeScopeConfig::enabled();
        $scope->set('exstream_connect/general/enabled', '0', 2);
        $scope->set('exstream_connect/general/shared_secret', '', 3);
        $config = new Config($scope);

        self::assertNull($config->getConnection(2));
        self::assertNull($config->getConnection(3));
        $connection = $config->getConnection(1);
        self::assertNotNull($connection);
        self::assertSame('https://sidecar.example.com', $connection->getBaseUrl(), 'trailing slash trimmed');
        self::assertSame('demo-magento-secret', $connection->getSecret());
        self::assertSame(5, $connection->getTimeout());
    }

    public function testEventTogglesNeedTheModuleEnabled(): void
    {
        $scope = FakeScopeConfig::enabled();
        $scope->set('exstream_connect/events/cart_abandoned', '0', 1);
        $scope->set('exstream_connect/general/enabled', '0', 2);
        $config = new Config($scope);

        self::assertTrue($config->isEventEnabled(Events::ORDER_PLACED, 1));
        self::assertFalse($config->isEventEnabled(Events::CART_ABANDONED, 1));
        self::assertFalse($config->isEventEnabled(Events::ORDER_PLACED, 2));
        self::assertFalse($config->isEventEnabled('made.up', 1));
    }

    public function testNumbersAreBoundedAndChannelsFiltered(): void
    {
        $scope = FakeScopeConfig::enabled();
        $scope->set('exstream_connect/general/timeout', '999');
        $scope->set('exstream_connect/advanced/max_attempts', 'abc');
        $scope->set('exstream_connect/advanced/batch_size', '0');
        $scope->set('exstream_connect/store/channels', 'print, fax,email,print');
        $config = new Config($scope);

        self::assertSame(30, $config->getConnection(1)->getTimeout());
        self::assertSame(8, $config->getMaxAttempts());
        self::assertSame(1, $config->getBatchSize());
        self::assertSame(['print', 'email'], $config->getChannels(1));
        // Nothing (valid) selected: no restriction, the sidecar's rules decide.
        $scope->set('exstream_connect/store/channels', 'fax');
        self::assertSame(['email', 'print', 'web', 'sms', 'archive'], $config->getChannels(1));
        $scope->set('exstream_connect/store/channels', null);
        self::assertSame(['email', 'print', 'web', 'sms', 'archive'], $config->getChannels(1));
    }
}
