<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Xml;

use ExstreamConnect\Connector\Model\Config;
use Magento\Backend\Block\Widget\Tab\TabInterface;
use Magento\Framework\Event\ObserverInterface;
use PHPUnit\Framework\TestCase;

/**
 * Static checks of the module's XML against its PHP: what Magento would only find out at
 * setup:upgrade, di:compile or the first cron run.
 */
class ModuleXmlTest extends TestCase
{
    private const ROOT = __DIR__ . '/../../..';
    private const ENCRYPTED = 'Magento\Config\Model\Config\Backend\Encrypted';
    /** Core classes the XML may name; they exist in every Magento 2.4 install. */
    private const CORE_CLASSES = [
        'Magento\Config\Model\Config\Source\Yesno',
        'Magento\Config\Model\Config\Backend\Encrypted',
        'Magento\Config\Model\Config\TypePool',
        'Magento\Framework\Logger\Handler\Base',
        'Magento\Framework\Logger\Monolog',
    ];

    private function xml(string $file): \SimpleXMLElement
    {
        $xml = simplexml_load_file(self::ROOT . '/' . $file);
        self::assertNotFalse($xml, $file . ' is not well-formed');
        return $xml;
    }

    /** @return string[] */
    private function aclIds(): array
    {
        return array_map('strval', $this->xml('etc/acl.xml')->xpath('//resource/@id'));
    }

    /** @return string[] module PHP files (no tests, no stubs) */
    private function sourceFiles(string $pattern = '/\.(php|phtml|xml)$/'): array
    {
        $files = [];
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(self::ROOT, \FilesystemIterator::SKIP_DOTS));
        foreach ($iterator as $file) {
            $path = str_replace('\\', '/', (string) $file);
            if (preg_match('#/(Test|node_modules|test-artifacts)/#', substr($path, strlen(self::ROOT))) || !preg_match($pattern, $path)) {
                continue;
            }
            $files[] = $path;
        }
        sort($files);
        return $files;
    }

    public function testEveryObserverExistsAndIsAnObserver(): void
    {
        $events = [];
        foreach ($this->xml('etc/events.xml')->event as $event) {
            foreach ($event->observer as $observer) {
                $class = (string) $observer['instance'];
                self::assertTrue(class_exists($class), $class . ' missing');
                self::assertTrue(is_subclass_of($class, ObserverInterface::class), $class . ' is not an observer');
                self::assertStringStartsWith('exstream_connect_', (string) $observer['name']);
            }
            $events[] = (string) $event['name'];
        }
        sort($events);
        self::assertSame([
            'order_cancel_after',
            'sales_order_creditmemo_save_commit_after',
            'sales_order_invoice_save_commit_after',
            'sales_order_save_commit_after',
            'sales_order_shipment_save_commit_after',
            'sales_order_shipment_track_save_after',
        ], $events);
    }

    public function testEveryCronJobExistsInItsOwnSeparateGroup(): void
    {
        $crontab = $this->xml('etc/crontab.xml');
        $groups = $this->xml('etc/cron_groups.xml');
        $jobs = [];
        foreach ($crontab->group as $group) {
            $id = (string) $group['id'];
            self::assertNotSame('default', $id);
            $declared = $groups->xpath('/config/group[@id="' . $id . '"]');
            self::assertCount(1, $declared, 'group ' . $id . ' must be declared in cron_groups.xml');
            self::assertSame('1', (string) $declared[0]->use_separate_process);
            foreach ($group->job as $job) {
                $class = (string) $job['instance'];
                $method = (string) $job['method'];
                self::assertTrue(class_exists($class), $class . ' missing');
                self::assertTrue((new \ReflectionMethod($class, $method))->isPublic(), $class . '::' . $method);
                $jobs[(string) $job['name']] = (string) $job->schedule;
            }
        }
        self::assertSame('* * * * *', $jobs['exstream_connect_dispatch']);
        self::assertArrayHasKey('exstream_connect_abandoned_cart_scan', $jobs);
        self::assertArrayHasKey('exstream_connect_feedback_pull', $jobs);
        self::assertArrayHasKey('exstream_connect_cleanup', $jobs);
    }

    public function testTheSecretIsObscureEncryptedAndSensitive(): void
    {
        [$section, $group, $field] = explode('/', Config::XML_PATH_SHARED_SECRET);
        $system = $this->xml('etc/adminhtml/system.xml');
        $node = $system->xpath("//section[@id='$section']/group[@id='$group']/field[@id='$field']");
        self::assertCount(1, $node);
        self::assertSame('obscure', (string) $node[0]['type']);
        self::assertSame(self::ENCRYPTED, (string) $node[0]->backend_model);

        $config = $this->xml('etc/config.xml');
        $default = $config->xpath("/config/default/$section/$group/$field");
        self::assertCount(1, $default);
        self::assertSame(self::ENCRYPTED, (string) $default[0]['backend_model']);
        self::assertSame('', trim((string) $default[0]), 'no secret value ships in config.xml');

        $di = $this->xml('etc/di.xml');
        $sensitive = $di->xpath("//type[@name='Magento\\Config\\Model\\Config\\TypePool']/arguments/argument[@name='sensitive']/item");
        self::assertContains(Config::XML_PATH_SHARED_SECRET, array_map(static fn ($i) => (string) $i['name'], $sensitive));
    }

    public function testEverySystemFieldHasADefaultAndKnownClasses(): void
    {
        $system = $this->xml('etc/adminhtml/system.xml');
        $config = $this->xml('etc/config.xml');
        foreach ($system->xpath('//section/group/field') as $field) {
            $group = $field->xpath('..')[0];
            $section = $group->xpath('..')[0];
            $path = $section['id'] . '/' . $group['id'] . '/' . $field['id'];
            foreach (['source_model', 'backend_model', 'frontend_model'] as $kind) {
                $class = (string) $field->{$kind};
                if ($class !== '') {
                    self::assertTrue(
                        in_array($class, self::CORE_CLASSES, true) || class_exists($class),
                        "$path $kind $class does not exist"
                    );
                }
            }
            if ((string) $field->frontend_model !== '') {
                continue;
            }
            self::assertCount(1, $config->xpath('/config/default/' . $path), $path . ' has no default in config.xml');
        }
        self::assertContains((string) $system->xpath('//section')[0]->resource, $this->aclIds());
    }

    public function testEveryAclIdUsedExistsInAclXml(): void
    {
        $acl = $this->aclIds();
        $used = [];
        foreach ($this->sourceFiles() as $file) {
            if (str_ends_with($file, 'etc/acl.xml')) {
                continue;
            }
            preg_match_all('/ExstreamConnect_Connector::([A-Za-z_]+)(?![\w\/.])/', (string) file_get_contents($file), $m);
            foreach ($m[0] as $id) {
                $used[$id][] = basename($file);
            }
        }
        self::assertArrayHasKey('ExstreamConnect_Connector::order_timeline', $used);
        self::assertArrayHasKey('ExstreamConnect_Connector::config', $used);
        foreach ($used as $id => $files) {
            self::assertContains($id, $acl, $id . ' (used in ' . implode(', ', array_unique($files)) . ') is not in acl.xml');
        }
        foreach (glob(self::ROOT . '/Controller/Adminhtml/*/*.php') as $file) {
            $class = 'ExstreamConnect\\Connector\\Controller\\Adminhtml\\' . basename(dirname($file)) . '\\' . basename($file, '.php');
            $resource = constant($class . '::ADMIN_RESOURCE');
            self::assertStringStartsWith('ExstreamConnect_Connector::', $resource, $class . ' keeps the default admin resource');
            self::assertContains($resource, $acl);
        }
        // the order tab lives under the core order actions
        self::assertCount(1, $this->xml('etc/acl.xml')->xpath(
            "//resource[@id='Magento_Sales::actions']/resource[@id='ExstreamConnect_Connector::order_timeline']"
        ));
    }

    public function testAdminUrlsMapToControllers(): void
    {
        $routes = $this->xml('etc/adminhtml/routes.xml');
        $frontName = (string) $routes->xpath("//route[@id='exstreamconnect']/@frontName")[0];
        self::assertSame('exstreamconnect', $frontName);
        $seen = 0;
        foreach ($this->sourceFiles('/\.(php|phtml|xml)$/') as $file) {
            preg_match_all('#[\'"]exstreamconnect/([a-z]+)/([a-z]+)[\'"]#', (string) file_get_contents($file), $m, PREG_SET_ORDER);
            foreach ($m as [, $controller, $action]) {
                $class = 'ExstreamConnect\\Connector\\Controller\\Adminhtml\\' . ucfirst($controller) . '\\' . ucfirst($action);
                self::assertTrue(class_exists($class), "exstreamconnect/$controller/$action has no controller ($class)");
                $seen++;
            }
        }
        self::assertGreaterThan(5, $seen);
        foreach (glob(self::ROOT . '/view/adminhtml/layout/exstreamconnect_*.xml') as $layout) {
            [, $controller, $action] = explode('_', basename($layout, '.xml'));
            $class = 'ExstreamConnect\\Connector\\Controller\\Adminhtml\\' . ucfirst($controller) . '\\' . ucfirst($action);
            self::assertTrue(class_exists($class), basename($layout) . ' has no controller');
        }
    }

    public function testLayoutsTemplatesAndScriptsExist(): void
    {
        $tab = $this->xml('view/adminhtml/layout/sales_order_view.xml');
        $block = $tab->xpath("//referenceBlock[@name='sales_order_tabs']/block")[0];
        self::assertTrue(is_subclass_of((string) $block['class'], TabInterface::class));
        $added = $tab->xpath("//referenceBlock[@name='sales_order_tabs']/action[@method='addTab']/argument[@name='block']");
        self::assertSame((string) $block['name'], (string) $added[0]);
        foreach (glob(self::ROOT . '/view/adminhtml/layout/*.xml') as $layout) {
            foreach ((simplexml_load_file($layout))->xpath('//block/@class') as $class) {
                self::assertTrue(class_exists((string) $class), (string) $class);
            }
        }
        foreach ($this->sourceFiles('/\.php$/') as $file) {
            $source = (string) file_get_contents($file);
            preg_match_all('/ExstreamConnect_Connector::([\w\/.-]+\.phtml)/', $source, $templates);
            foreach ($templates[1] as $template) {
                self::assertFileExists(self::ROOT . '/view/adminhtml/templates/' . $template);
            }
            preg_match_all('#ExstreamConnect_Connector/(js/[\w-]+)#', $source, $scripts);
            foreach ($scripts[1] as $script) {
                self::assertFileExists(self::ROOT . '/view/adminhtml/web/' . $script . '.js');
            }
        }
    }

    public function testDiArgumentsMatchConstructors(): void
    {
        foreach ($this->xml('etc/di.xml')->type as $type) {
            $class = (string) $type['name'];
            if (in_array($class, self::CORE_CLASSES, true)) {
                continue;
            }
            self::assertTrue(class_exists($class), $class);
            $params = array_map(
                static fn (\ReflectionParameter $p): string => $p->getName(),
                (new \ReflectionClass($class))->getConstructor()->getParameters()
            );
            foreach ($type->arguments->argument as $argument) {
                self::assertContains((string) $argument['name'], $params, $class . ' has no constructor argument ' . $argument['name']);
            }
        }
    }

    public function testWhitelistMatchesTheDeclaredSchema(): void
    {
        $schema = $this->xml('etc/db_schema.xml');
        $whitelist = json_decode((string) file_get_contents(self::ROOT . '/etc/db_schema_whitelist.json'), true, 512, JSON_THROW_ON_ERROR);
        $tables = [];
        foreach ($schema->table as $table) {
            $name = (string) $table['name'];
            $columns = array_map(static fn ($c) => (string) $c['name'], $table->xpath('column'));
            $indexes = array_map(static fn ($c) => (string) $c['referenceId'], $table->xpath('index'));
            $constraints = array_map(static fn ($c) => (string) $c['referenceId'], $table->xpath('constraint'));
            $tables[] = $name;
            self::assertEqualsCanonicalizing($columns, array_keys($whitelist[$name]['column']), $name . ' columns');
            self::assertEqualsCanonicalizing($indexes, array_keys($whitelist[$name]['index'] ?? []), $name . ' indexes');
            self::assertEqualsCanonicalizing($constraints, array_keys($whitelist[$name]['constraint'] ?? []), $name . ' constraints');
        }
        self::assertEqualsCanonicalizing($tables, array_keys($whitelist));

        $outbox = $schema->xpath("//table[@name='exstream_connect_outbox']")[0];
        self::assertSame('mediumtext', (string) $outbox->xpath("column[@name='payload']")[0]->attributes('xsi', true)['type']);
        self::assertSame('true', (string) $outbox->xpath("column[@name='payload']")[0]['nullable']);
        $unique = $outbox->xpath("constraint[@referenceId='EXSTREAM_CONNECT_OUTBOX_IDEMPOTENCY_KEY']")[0];
        self::assertSame('unique', (string) $unique->attributes('xsi', true)['type']);
        self::assertSame(['idempotency_key'], array_map('strval', $unique->xpath('column/@name')));
        $due = $outbox->xpath("index[@referenceId='EXSTREAM_CONNECT_OUTBOX_STATUS_NEXT_ATTEMPT_AT']")[0];
        self::assertSame(['status', 'next_attempt_at'], array_map('strval', $due->xpath('column/@name')));
    }

    public function testRegistrationComposerAndModuleAgree(): void
    {
        $module = $this->xml('etc/module.xml');
        self::assertSame('ExstreamConnect_Connector', (string) $module->module['name']);
        $sequence = array_map('strval', $module->xpath('//sequence/module/@name'));
        foreach (['Magento_Sales', 'Magento_Quote', 'Magento_Cron', 'Magento_Backend', 'Magento_Config'] as $required) {
            self::assertContains($required, $sequence);
        }
        $registered = (new \Magento\Framework\Component\ComponentRegistrar())->getPath('module', 'ExstreamConnect_Connector');
        self::assertSame(realpath(self::ROOT), realpath((string) $registered));

        $composer = json_decode((string) file_get_contents(self::ROOT . '/composer.json'), true, 512, JSON_THROW_ON_ERROR);
        self::assertSame('magento2-module', $composer['type']);
        self::assertSame('', $composer['autoload']['psr-4']['ExstreamConnect\\Connector\\']);
        self::assertContains('registration.php', $composer['autoload']['files']);
        foreach (['magento/module-sales', 'magento/module-quote', 'magento/framework'] as $package) {
            self::assertArrayHasKey($package, $composer['require']);
        }
    }
}
