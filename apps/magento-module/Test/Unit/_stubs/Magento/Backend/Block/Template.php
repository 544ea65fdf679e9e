<?php

declare(strict_types=1);

// Test stub of Magento\Backend\Block\Template: only what the module touches. Skipped when the real class is loaded.

namespace Magento\Backend\Block;

if (!class_exists(Template::class, false)) {
    class Template extends \Magento\Framework\DataObject
    {
        /** @var string */
        protected $_template = '';
        /** @var \Magento\Framework\AuthorizationInterface */
        protected $_authorization;
        /** @var \Magento\Framework\UrlInterface */
        protected $_urlBuilder;
        /** @var \Magento\Framework\Escaper */
        protected $_escaper;
        /** @var \Magento\Framework\App\RequestInterface */
        protected $_request;
        /** @var \Magento\Framework\Data\Form\FormKey */
        protected $formKey;

        public function __construct(\Magento\Backend\Block\Template\Context $context, array $data = [])
        {
            parent::__construct($data);
            $this->_authorization = $context->getAuthorization();
            $this->_urlBuilder = $context->getUrlBuilder();
            $this->_escaper = $context->getEscaper();
            $this->_request = $context->getRequest();
            $this->formKey = $context->getFormKey();
            if (isset($data['template'])) {
                $this->_template = $data['template'];
            }
        }

        public function getTemplate()
        {
            return $this->_template;
        }

        public function setTemplate($template)
        {
            $this->_template = $template;
            return $this;
        }

        public function getRequest()
        {
            return $this->_request;
        }

        public function getUrl($route = '', $params = [])
        {
            return $this->_urlBuilder->getUrl($route, $params);
        }

        public function getFormKey()
        {
            return $this->formKey->getFormKey();
        }

        public function escapeHtml($data, $allowedTags = null)
        {
            return $this->_escaper->escapeHtml($data, $allowedTags);
        }

        public function escapeHtmlAttr($string, $escapeSingleQuote = true)
        {
            return $this->_escaper->escapeHtmlAttr($string, $escapeSingleQuote);
        }

        public function escapeUrl($string)
        {
            return $this->_escaper->escapeUrl($string);
        }

        public function toHtml()
        {
            return $this->_toHtml();
        }

        protected function _toHtml()
        {
            if (!$this->getTemplate()) {
                return '';
            }
            return $this->fetchView($this->getTemplateFile());
        }

        /** "Vendor_Module::path.phtml" resolved through the registered module path (adminhtml area). */
        public function getTemplateFile($template = null)
        {
            [$module, $path] = explode('::', $template ?? $this->getTemplate(), 2);
            $root = (new \Magento\Framework\Component\ComponentRegistrar())
                ->getPath(\Magento\Framework\Component\ComponentRegistrar::MODULE, $module);
            return $root . '/view/adminhtml/templates/' . $path;
        }

        public function fetchView($fileName)
        {
            $block = $this;
            $escaper = $this->_escaper;
            ob_start();
            try {
                include $fileName;
            } finally {
                $html = (string) ob_get_clean();
            }
            return $html;
        }
    }
}
