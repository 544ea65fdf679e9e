<?php

declare(strict_types=1);

namespace ExstreamConnect\Connector\Test\Unit\Support;

use Magento\Backend\App\Action\Context as ActionContext;
use Magento\Backend\Block\Template\Context as BlockContext;
use Magento\Framework\App\RequestInterface;
use Magento\Framework\AuthorizationInterface;
use Magento\Framework\Message\ManagerInterface;
use Magento\Framework\UrlInterface;

/**
 * Small admin doubles: a request with fixed params, a message collector, a URL builder that
 * prints the route and params, and an ACL allowing a given list of resources.
 */
final class AdminDoubles
{
    public const FORM_KEY = 'stub-form-key';

    /** @param array<string, mixed> $params */
    public static function request(array $params): RequestInterface
    {
        return new class ($params) implements RequestInterface {
            /** @param array<string, mixed> $params */
            public function __construct(private array $params)
            {
            }

            public function getParam($key, $defaultValue = null)
            {
                return $this->params[$key] ?? $defaultValue;
            }

            public function getParams()
            {
                return $this->params;
            }
        };
    }

    public static function messages(): MessageCollector
    {
        return new MessageCollector();
    }

    /** @param array<string, mixed> $params */
    public static function actionContext(array $params, MessageCollector $messages): ActionContext
    {
        return new ActionContext(self::request($params), $messages);
    }

    /**
     * @param array<string, mixed> $params
     * @param string[] $allowed ACL resources the admin user has
     */
    public static function blockContext(array $params = [], array $allowed = []): BlockContext
    {
        $url = new class implements UrlInterface {
            public function getUrl($routePath = null, $routeParams = null)
            {
                $suffix = '';
                foreach ((array) $routeParams as $k => $v) {
                    $suffix .= $k . '/' . (is_bool($v) ? (int) $v : $v) . '/';
                }
                return 'https://admin.example.com/admin/' . $routePath . '/' . $suffix;
            }
        };
        $acl = new class ($allowed) implements AuthorizationInterface {
            /** @param string[] $allowed */
            public function __construct(private array $allowed)
            {
            }

            public function isAllowed($resource, $privilege = null)
            {
                return in_array($resource, $this->allowed, true);
            }
        };
        return new BlockContext(self::request($params), $url, $acl);
    }
}
