<?php

declare(strict_types=1);

// Test stub of Magento\Backend\Block\Template\Context: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Backend\Block\Template;

if (!class_exists(Context::class, false)) {
    class Context
    {
        private $request;
        private $urlBuilder;
        private $authorization;
        private $escaper;
        private $formKey;

        public function __construct(
            \Magento\Framework\App\RequestInterface $request,
            \Magento\Framework\UrlInterface $urlBuilder,
            \Magento\Framework\AuthorizationInterface $authorization,
            ?\Magento\Framework\Escaper $escaper = null,
            ?\Magento\Framework\Data\Form\FormKey $formKey = null
        ) {
            $this->request = $request;
            $this->urlBuilder = $urlBuilder;
            $this->authorization = $authorization;
            $this->escaper = $escaper ?? new \Magento\Framework\Escaper();
            $this->formKey = $formKey ?? new \Magento\Framework\Data\Form\FormKey();
        }

        public function getRequest()
        {
            return $this->request;
        }

        public function getUrlBuilder()
        {
            return $this->urlBuilder;
        }

        public function getAuthorization()
        {
            return $this->authorization;
        }

        public function getEscaper()
        {
            return $this->escaper;
        }

        public function getFormKey()
        {
            return $this->formKey;
        }
    }
}
