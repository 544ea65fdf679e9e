<?php

declare(strict_types=1);

// Stub of Magento\Framework\HTTP\Client\Curl with the same public methods the module uses, backed
// by PHP's curl extension so the cross-language script can make real requests. Skipped when the
// real class is loaded.

namespace Magento\Framework\HTTP\Client;

if (!class_exists(Curl::class, false)) {
    class Curl
    {
        /** @var array<string, string> */
        protected $_headers = [];
        /** @var array<int, mixed> */
        protected $_curlUserOptions = [];
        protected $_timeout = 300;
        protected $_responseStatus = 0;
        /** @var array<string, string> */
        protected $_responseHeaders = [];
        protected $_responseBody = '';

        public function __construct($sslVersion = null)
        {
        }

        public function setTimeout($value)
        {
            $this->_timeout = (int) $value;
        }

        public function setHeaders($headers)
        {
            $this->_headers = $headers;
        }

        public function addHeader($name, $value)
        {
            $this->_headers[$name] = $value;
        }

        public function setOption($name, $value)
        {
            $this->_curlUserOptions[$name] = $value;
        }

        public function setOptions($arr)
        {
            $this->_curlUserOptions = $arr;
        }

        public function get($uri)
        {
            $this->makeRequest('GET', $uri);
        }

        public function post($uri, $params)
        {
            $this->makeRequest('POST', $uri, $params);
        }

        public function getStatus()
        {
            return $this->_responseStatus;
        }

        public function getBody()
        {
            return $this->_responseBody;
        }

        public function getHeaders()
        {
            return $this->_responseHeaders;
        }

        protected function makeRequest($method, $uri, $params = [])
        {
            if (!function_exists('curl_init')) {
                throw new \Exception('The PHP curl extension is not installed');
            }
            $ch = curl_init();
            curl_setopt($ch, CURLOPT_URL, $uri);
            if ($method === 'POST') {
                curl_setopt($ch, CURLOPT_POST, 1);
                curl_setopt($ch, CURLOPT_POSTFIELDS, is_array($params) ? http_build_query($params) : $params);
            } else {
                curl_setopt($ch, CURLOPT_HTTPGET, 1);
            }
            $headers = [];
            foreach ($this->_headers as $name => $value) {
                $headers[] = $name . ': ' . $value;
            }
            // Without this curl sends "Expect: 100-continue" for larger bodies and waits for it.
            $headers[] = 'Expect:';
            curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
            curl_setopt($ch, CURLOPT_TIMEOUT, $this->_timeout);
            curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
            $this->_responseHeaders = [];
            curl_setopt($ch, CURLOPT_HEADERFUNCTION, function ($handle, string $line): int {
                $parts = explode(':', $line, 2);
                if (count($parts) === 2) {
                    $this->_responseHeaders[trim($parts[0])] = trim($parts[1]);
                } elseif (preg_match('/^HTTP\/\S+\s+(\d{3})/', $line, $m)) {
                    $this->_responseHeaders = [];
                    $this->_responseStatus = (int) $m[1];
                }
                return strlen($line);
            });
            foreach ($this->_curlUserOptions as $name => $value) {
                curl_setopt($ch, $name, $value);
            }
            $body = curl_exec($ch);
            $error = curl_error($ch);
            $this->_responseStatus = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
            curl_close($ch);
            if ($body === false || $error !== '') {
                throw new \Exception($error !== '' ? $error : 'curl request failed');
            }
            $this->_responseBody = (string) $body;
        }
    }
}
