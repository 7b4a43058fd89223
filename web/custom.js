/* The appeals CRM's settings of the Tryton web client (sao).
 * sao's index.html loads custom.js from its root right after sao itself;
 * `make web` copies this file there (also after every npm ci). */
(function() {
    'use strict';
    var TITLE = 'CRM обращений';
    // The product's name where sao shows its own: the window title (also
    // "<tab> - <title>"), the top bar, desktop notifications
    Sao.config.title = TITLE;
    document.title = TITLE;
    jQuery(function() {
        jQuery('#title').text(TITLE);
    });
}());
