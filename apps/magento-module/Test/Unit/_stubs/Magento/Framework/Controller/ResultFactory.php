<?php

declare(strict_types=1);

// Test stub of Magento\Framework\Controller\ResultFactory: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Framework\Controller;

if (!class_exists(ResultFactory::class, false)) {
    class ResultFactory
    {
        public const TYPE_JSON = 'json';
        public const TYPE_RAW = 'raw';
        public const TYPE_REDIRECT = 'redirect';
        public const TYPE_FORWARD = 'forward';
        public const TYPE_LAYOUT = 'layout';
        public const TYPE_PAGE = 'page';

        public function create($type, array $arguments = [])
        {
            switch ($type) {
                case self::TYPE_JSON:
                    return new \Magento\Framework\Controller\Result\Json();
                case self::TYPE_RAW:
                    return new \Magento\Framework\Controller\Result\Raw();
                case self::TYPE_REDIRECT:
                    return new \Magento\Framework\Controller\Result\Redirect();
                case self::TYPE_PAGE:
                    return new \Magento\Backend\Model\View\Result\Page();
            }
            throw new \InvalidArgumentException('Stub ResultFactory cannot create ' . $type);
        }
    }
}
