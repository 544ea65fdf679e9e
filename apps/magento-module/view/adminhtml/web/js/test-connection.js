/**
 * "Test connection" button on the configuration page: POSTs to the admin controller (never to
 * the sidecar directly: the secret stays on the server) and shows the answer next to the button.
 */
define(['jquery'], function ($) {
    'use strict';

    return function (config, element) {
        var button = $(element);
        var result = $('#' + config.resultId);

        button.on('click', function (event) {
            event.preventDefault();
            button.prop('disabled', true);
            result.removeClass('message-success message-error').text(config.pendingText);
            $.ajax({
                url: config.url,
                type: 'POST',
                dataType: 'json',
                data: { form_key: window.FORM_KEY }
            }).done(function (response) {
                result.addClass(response.ok ? 'message-success' : 'message-error').text(response.message);
            }).fail(function () {
                result.addClass('message-error').text(config.failText);
            }).always(function () {
                button.prop('disabled', false);
            });
        });
    };
});
