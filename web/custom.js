/* Site additions of the appeals CRM to the Tryton web client (sao 8.0).
 * sao's index.html loads custom.js after sao itself; `make web` copies this
 * file there (web/node_modules/tryton-sao/custom.js).
 */
(function() {
    'use strict';
    if (!window.Sao || !Sao.Screen) {
        return;
    }

    /* No dead ends: a record the user may no longer read leaves the screen.
     *
     * After a button or a wizard sao reloads the records it ran on
     * (Screen.reload(ids, written=true)): when the action took one of them
     * out of the user's sight (an appeal transferred to a line that is not
     * his), that read is refused and he is left with an access error on an
     * empty form.  Ask the server first which of them he may still read; the
     * others are dropped from the screen and a form whose record went back
     * to the list, searched again.  Records he may still read reload as sao
     * always did. */
    const reload = Sao.Screen.prototype.reload;

    Sao.Screen.prototype.reload = function(ids, written) {
        const loaded = (ids || []).filter(
            id => (id >= 0) && this.group.get(id));
        if (!written || this.group.parent || !loaded.length) {
            return reload.call(this, ids, written);
        }
        const context = jQuery.extend({}, this.context, {active_test: false});
        return this.model.execute(
            'search', [[['id', 'in', loaded]], 0, null, null], context)
            .then(visible => {
                const gone = loaded.filter(id => !visible.includes(id));
                if (!gone.length) {
                    return reload.call(this, ids, written);
                }
                return leave(this, gone).then(() => reload.call(
                    this, ids.filter(id => !gone.includes(id)), written));
            }, () => reload.call(this, ids, written));
    };

    /* The actions on the selected records («Закрыть выбранные», «Передать
     * выбранные»...) sit in the toolbar's «launch» menu, an icon without a
     * word: give it its name on screens wide enough. */
    const create_toolbar = Sao.Tab.Form.prototype.create_toolbar;

    Sao.Tab.Form.prototype.create_toolbar = function() {
        const toolbar = create_toolbar.call(this);
        toolbar.find('button#action .caret').before(jQuery('<span/>', {
            'class': 'crm-toolbar-label hidden-xs hidden-sm hidden-md',
        }).text(' ' + Sao.i18n.gettext('Action') + ' '));
        return toolbar;
    };

    function leave(screen, gone) {
        for (const id of gone) {
            const record = screen.group.get(id);
            if (record) {
                // Removed from the screen only: nothing is deleted
                screen.group.remove(record, true, true, false);
            }
        }
        if (screen.current_record && screen.current_record.destroyed) {
            screen.current_record = null;
        }
        const view_types = screen.views.map(view => view.view_type)
            .concat(screen.view_to_load);
        let prm = jQuery.when();
        if (screen.current_view &&
                (screen.current_view.view_type == 'form') &&
                view_types.includes('tree')) {
            prm = screen.switch_view('tree');
        }
        return prm.then(() => {
            if (screen.current_view &&
                    (screen.current_view.view_type == 'tree')) {
                return screen.search_filter(
                    screen.screen_container.get_text());
            }
        });
    }
}());

/* The product's name where sao shows its own: the window title (also
 * "<tab> - <title>"), the top bar, desktop notifications. */
(function() {
    'use strict';
    var TITLE = 'CRM обращений';
    Sao.config.title = TITLE;
    document.title = TITLE;
    jQuery(function() {
        jQuery('#title').text(TITLE);
    });
}());

/* Boards (crm_analytics' home dashboards): a pane lists what its action's
 * domain selects.  sao 8.0's board action (Sao.View.Board.Action) decodes
 * its action's domain into this.domain but never hands it to the screen it
 * creates, so every pane listed all the records the user may read.  It
 * decodes the domain (update_domain) right before it creates the screen, in
 * the same callback: the screen takes that array, which the later
 * update_domain calls keep changing in place. */
(function() {
    'use strict';
    if (!Sao.View || !Sao.View.Board || !Sao.View.Board.Action) {
        return;
    }
    let pending = null;
    const update_domain = Sao.View.Board.Action.prototype.update_domain;
    Sao.View.Board.Action.prototype.update_domain = function(actions) {
        const result = update_domain.call(this, actions);
        if (!this.screen) {
            pending = this.domain;
        }
        return result;
    };
    const init = Sao.Screen.prototype.init;
    Sao.Screen.prototype.init = function(model_name, attributes) {
        // Only a board pane's screen: it is the one given row_activate
        if (pending && attributes && attributes.row_activate &&
                !attributes.domain) {
            attributes.domain = pending;
        }
        pending = null;
        return init.call(this, model_name, attributes);
    };
}());

/* Extra fields (crm.appeal's dict of the reason's fields): an appeal with
 * an empty text field or an unticked yes/no field read as changed as soon
 * as it was opened, so printing a blank, following a link or closing the
 * tab asked «Запись была изменена, сохранить её?» of a record nobody had
 * touched.  The server lists every field of the reason, an empty one as
 * null; before such an action sao's form writes each widget's value back
 * (set_value), and an empty entry gives '' and an unticked box false.  The
 * dict is written back only when one of its entries really differs (or a
 * key was removed), an unticked box being no different from null. */
(function() {
    'use strict';
    const Dict = Sao.View && Sao.View.Form && Sao.View.Form.Dict;
    if (!Dict || !Dict.Boolean) {
        return;
    }
    Dict.Boolean.prototype.modified = function(value) {
        return this.get_value() != Boolean(value[this.name]);
    };
    const set_value = Dict.prototype.set_value;
    Dict.prototype.set_value = function() {
        if (this._removing || this.modified) {
            return set_value.apply(this, arguments);
        }
    };
    const remove = Dict.prototype.remove;
    Dict.prototype.remove = function(key, modified=true) {
        this._removing = modified;
        try {
            return remove.call(this, key, modified);
        } finally {
            this._removing = false;
        }
    };
}());
