/*
 * Doorman's Teams tab: the personal tab "Requests" (/tab), the channel tab of a queue (/tab?queue=<id>) and the
 * channel tab's configuration page (/tab/config). Plain browser script (no build step): the CSP allows only
 * same-origin scripts, so the teams-js bundle comes from Doorman itself and everything is wired here with
 * addEventListener. Texts from the server are inserted with textContent only.
 *
 * Sign-in is Teams single sign-on: app.initialize(), then authentication.getAuthToken() whenever the API is
 * called (Teams caches the token; we never store it), sent as `Authorization: Bearer` to /tab/api/*.
 * https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-code
 */
(function () {
  'use strict';

  var bootElement = document.getElementById('doorman-tab-boot');
  if (!bootElement) return;
  var boot;
  try {
    boot = JSON.parse(bootElement.textContent || '{}');
  } catch (e) {
    return;
  }

  var HOST_TIMEOUT_MS = 10000;
  var REQUEST_TIMEOUT_MS = 15000;
  var SETUP_DOC = String(boot.setupDoc || 'docs/deploy.md');

  var SESSION_STATES = ['open', 'waiting', 'ready', 'connected', 'closed', 'expired'];
  var LOCKBOX_STATES = ['review', 'pending', 'approved', 'denied', 'cancelled', 'ended', 'expired'];
  var ASSIST_STATES = ['requested', 'accepted', 'allowed', 'connected', 'closed', 'cancelled', 'expired'];
  var INVITATION_STATES = ['pending', 'accepted', 'rejected', 'cancelled', 'expired', 'removed'];
  var SUPPORTED_LANGUAGES = ['en', 'de', 'fr', 'nl', 'hu'];
  // The page comes with the catalogue of the browser's language; start() swaps in the Teams language's if it differs.
  var language = String(boot.language || 'en');
  var messages = boot.messages || {};

  /** The text `key` in the tab's language, `{name}` placeholders filled from `values`; the key itself if missing. */
  function t(key, values) {
    var text = Object.prototype.hasOwnProperty.call(messages, key) ? String(messages[key]) : key;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  /** The label of a known key, else the raw value (a kind, state or source the tab does not know yet). */
  function labelOr(prefix, value) {
    var key = prefix + value;
    return Object.prototype.hasOwnProperty.call(messages, key) ? t(key) : String(value);
  }

  function kindLabel(kind) {
    return labelOr('kind.', kind);
  }

  function stateLabel(state) {
    return labelOr('state.', state);
  }

  /** The supported language a BCP 47 tag names (`de-AT` → `de`), or ''. */
  function languageOfTag(tag) {
    var primary = String(tag || '').trim().toLowerCase().split(/[-_]/)[0];
    return SUPPORTED_LANGUAGES.indexOf(primary) >= 0 ? primary : '';
  }

  var STATE_TONES = {
    open: 'neutral', waiting: 'attention', ready: 'attention', connected: 'good', closed: 'done', expired: 'done',
    review: 'attention', pending: 'attention', approved: 'good', denied: 'bad', cancelled: 'done', ended: 'done',
    requested: 'attention', accepted: 'attention', allowed: 'good', rejected: 'bad', removed: 'done',
  };

  var teams = window.microsoftTeams;
  var notice = document.getElementById('notice');
  var content = document.getElementById('content');
  var locale;
  var timeZone;
  try {
    timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    timeZone = undefined;
  }
  var filters = { kind: '', state: '', queue: '', person: '', from: '', to: '', q: '', request: '' };
  var loadEpoch = 0;
  // The request an activity-feed notification's deep link names (its subEntityId): highlighted and scrolled to.
  var focusId = '';

  // ---------- small helpers ----------

  /** Creates an element; string children become text nodes, so nothing passed here is ever parsed as HTML. */
  function el(tag, options, children) {
    var node = document.createElement(tag);
    options = options || {};
    if (options.className) node.className = options.className;
    if (options.id) node.id = options.id;
    if (options.text != null) node.textContent = String(options.text);
    if (options.attrs) {
      Object.keys(options.attrs).forEach(function (name) {
        var value = options.attrs[name];
        if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : String(value));
      });
    }
    if (options.on) {
      Object.keys(options.on).forEach(function (type) {
        node.addEventListener(type, options.on[type]);
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function replaceChildren(parent, children) {
    while (parent.firstChild) parent.removeChild(parent.firstChild);
    children.forEach(function (child) {
      if (child) parent.appendChild(child);
    });
  }

  /** Shows a message in the live region; `problem` marks it as an error, `children` may add buttons. */
  function say(tone, title, lines, actions) {
    notice.className = 'notice' + (tone === 'problem' ? ' notice-problem' : tone === 'info' ? ' notice-info' : '');
    var parts = [];
    if (title) parts.push(el('h2', { text: title }));
    (lines || []).forEach(function (line) {
      parts.push(typeof line === 'string' ? el('p', { text: line }) : line);
    });
    if (actions && actions.length) parts.push(el('div', { className: 'actions' }, actions));
    replaceChildren(notice, parts);
    notice.hidden = false;
  }

  function loading(text) {
    notice.className = 'notice';
    replaceChildren(notice, [el('span', { className: 'spinner', attrs: { 'aria-hidden': 'true' } }), el('span', { text: text })]);
    notice.hidden = false;
    if (content) content.setAttribute('aria-busy', 'true');
  }

  function button(text, onClick, primary) {
    return el('button', { className: 'button' + (primary ? ' button-primary' : ''), text: text, attrs: { type: 'button' }, on: { click: onClick } });
  }

  function withTimeout(promise, ms, what) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        reject(new Error(what + ' timed out'));
      }, ms);
      Promise.resolve(promise).then(
        function (value) {
          clearTimeout(timer);
          resolve(value);
        },
        function (error) {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  function formatTime(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return '—';
    try {
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone }).format(date);
    } catch (e) {
      return date.toLocaleString();
    }
  }

  function zoneName() {
    return timeZone || t('time.yourZone');
  }

  /** "3 requests" in the tab's language (Intl.PluralRules picks the form), and whether older ones remain. */
  function countText(count, more) {
    var form = 'other';
    try {
      form = new Intl.PluralRules(language).select(count);
    } catch (e) {
      form = count === 1 ? 'one' : 'other';
    }
    var requests = t(form === 'one' ? 'list.countOne' : 'list.countOther', { count: count });
    return more ? t('list.moreOlder', { count: requests }) : requests;
  }

  function timeCell(iso) {
    if (!iso) return el('td', { className: 'time muted', text: '—' });
    return el('td', { className: 'time' }, [el('time', { text: formatTime(iso), attrs: { datetime: iso } })]);
  }

  // ---------- Teams host ----------

  function applyTheme(theme) {
    var known = theme === 'dark' || theme === 'contrast' ? theme : 'default';
    document.documentElement.setAttribute('data-theme', known);
  }

  /** Connects to the Teams host; rejects outside Teams (teams-js finds no parent window) or when nobody answers. */
  function connectToTeams() {
    if (!teams || !teams.app || typeof teams.app.initialize !== 'function') return Promise.reject(new Error('teams-js missing'));
    return withTimeout(teams.app.initialize(), HOST_TIMEOUT_MS, 'Teams initialization').then(function () {
      return teams.app.getContext();
    });
  }

  function notifyLoaded() {
    try {
      if (teams.app.notifySuccess) teams.app.notifySuccess();
    } catch (e) {
      // Only tabs with showLoadingIndicator wait for this; others ignore it.
    }
  }

  function outsideTeams() {
    say('info', t('host.outsideTitle'), [t('host.outsideText')]);
  }

  function notConfigured() {
    say('problem', t('sso.notSetUpTitle'), [t('sso.notSetUpText'), t('sso.adminsSet', { doc: SETUP_DOC })]);
  }

  function tokenProblem(error, retry) {
    var reason = String((error && (error.message || error)) || '');
    var consent = /consent|interaction_required|ConsentRequired/i.test(reason);
    say(
      'problem',
      consent ? t('sso.consentTitle') : t('sso.failedTitle'),
      consent ? [t('sso.consentText')] : [t('sso.failedText'), t('sso.adminsSee', { doc: SETUP_DOC })],
      [button(t('problem.tryAgain'), retry, true)],
    );
  }

  function apiProblem(status, code, retry) {
    if (status === 503 && code === 'TAB_SSO_NOT_CONFIGURED') return notConfigured();
    if (status === 401) {
      return say('problem', t('sso.rejectedTitle'), [t('sso.rejectedText', { doc: SETUP_DOC })], [button(t('problem.tryAgain'), retry, true)]);
    }
    if (status === 429) return say('problem', t('problem.tooManyTitle'), [t('problem.tooManyText')], [button(t('problem.tryAgain'), retry, true)]);
    say('problem', t('problem.failedTitle'), [t('problem.failedText', { code: code || 'HTTP ' + status })], [button(t('problem.tryAgain'), retry, true)]);
  }

  /** Calls Doorman's tab API (GET, or POST with a JSON body) with a fresh SSO token; resolves `{ ok, status, body }`, rejects `{ tokenError }` on sign-in failure. */
  function callApi(path, postBody) {
    return teams.authentication.getAuthToken().then(
      function (token) {
        var controller = typeof AbortController === 'function' ? new AbortController() : null;
        var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
        var headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
        if (postBody !== undefined) headers['Content-Type'] = 'application/json';
        return fetch(path, {
          method: postBody !== undefined ? 'POST' : 'GET',
          body: postBody !== undefined ? JSON.stringify(postBody) : undefined,
          headers: headers,
          credentials: 'omit',
          cache: 'no-store',
          signal: controller ? controller.signal : undefined,
        }).then(function (response) {
          if (timer) clearTimeout(timer);
          return response.json().then(
            function (body) { return { ok: response.ok, status: response.status, body: body }; },
            function () { return { ok: false, status: response.status, body: null }; },
          );
        });
      },
      function (error) {
        throw { tokenError: error };
      },
    );
  }

  function errorCode(body) {
    var error = body && body.error;
    if (!error) return null;
    return error.message === 'TAB_SSO_NOT_CONFIGURED' ? 'TAB_SSO_NOT_CONFIGURED' : String(error.code || '');
  }

  // ---------- the Requests tab ----------
  //
  // The filters live in the page's address (kind, state, queue, person, from, to, q, and request for an open
  // timeline), so a view can be shared and survives a reload; every change rewrites it with history.replaceState.

  var FILTER_NAMES = ['kind', 'state', 'queue', 'person', 'from', 'to', 'q'];
  var REFUSALS = ['REQUEST.STALE_VERSION', 'REQUEST.ILLEGAL_TRANSITION', 'REQUEST.EXPIRED', 'AUTH.NOT_PERMITTED', 'AUTH.SELF_APPROVAL', 'AUTH.SAME_REVIEWER', 'REQUEST.NOT_FOUND'];
  var nextCursor = null;
  var listed = [];

  function readFilters() {
    var params = new URLSearchParams(window.location.search);
    FILTER_NAMES.forEach(function (name) {
      filters[name] = params.get(name) || '';
    });
    // A channel tab's address names its queue: that is the view it opens on.
    if (!params.has('queue') && boot.queue) filters.queue = boot.queue;
    filters.request = params.get('request') || '';
  }

  function writeFilters() {
    var params = new URLSearchParams();
    FILTER_NAMES.forEach(function (name) {
      if (filters[name]) params.set(name, filters[name]);
    });
    if (boot.queue && !filters.queue) params.set('queue', '');
    if (filters.request) params.set('request', filters.request);
    var query = params.toString();
    try {
      window.history.replaceState(null, '', window.location.pathname + (query ? '?' + query : ''));
    } catch (e) {
      // a host that forbids history changes still shows the view; it is just not in the address
    }
  }

  /** The API's query for the current filters; a date filter is a whole day in the viewer's time zone. */
  function apiQuery(cursor) {
    var params = new URLSearchParams();
    ['kind', 'state', 'queue', 'person'].forEach(function (name) {
      if (filters[name]) params.set(name, filters[name]);
    });
    if (filters.q) params.set('q', filters.q);
    var from = dayStart(filters.from, 0);
    var to = dayStart(filters.to, 1);
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    if (boot.queue) params.set('channel', boot.queue);
    if (cursor) params.set('cursor', cursor);
    return params.toString();
  }

  function dayStart(day, plusDays) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
    if (!match) return '';
    var date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
    return isNaN(date.getTime()) ? '' : date.toISOString();
  }

  function startRequests() {
    readFilters();
    buildFilters();
    window.addEventListener('popstate', function () {
      readFilters();
      syncControls();
      route();
    });
    route();
  }

  function route() {
    if (filters.request) return openTimeline(filters.request);
    showList(true);
    loadRequests();
  }

  function buildFilters() {
    var kind = el('select', { id: 'filter-kind', attrs: { name: 'kind' } }, [
      el('option', { text: t('filter.allKinds'), attrs: { value: '' } }),
      el('option', { text: kindLabel('session'), attrs: { value: 'session' } }),
      el('option', { text: kindLabel('lockbox'), attrs: { value: 'lockbox' } }),
      el('option', { text: kindLabel('assist'), attrs: { value: 'assist' } }),
      el('option', { text: kindLabel('invitation'), attrs: { value: 'invitation' } }),
    ]);
    var state = el('select', { id: 'filter-state', attrs: { name: 'state' } });
    var queue = el('select', { id: 'filter-queue', attrs: { name: 'queue' } }, [el('option', { text: t('filter.allQueues'), attrs: { value: '' } })]);
    var person = el('select', { id: 'filter-person', attrs: { name: 'person' } }, [el('option', { text: t('filter.anyone'), attrs: { value: '' } })]);
    var from = el('input', { id: 'filter-from', attrs: { type: 'date', name: 'from' } });
    var to = el('input', { id: 'filter-to', attrs: { type: 'date', name: 'to' } });
    var search = el('input', { id: 'filter-q', attrs: { type: 'search', name: 'q', maxlength: '100', placeholder: t('filter.searchPlaceholder'), autocomplete: 'off' } });
    function changed(name, control) {
      return function () {
        filters[name] = control.value;
        if (name === 'kind') {
          fillStates(state, kind.value);
          filters.state = state.value;
        }
        writeFilters();
        loadRequests();
      };
    }
    kind.addEventListener('change', changed('kind', kind));
    state.addEventListener('change', changed('state', state));
    queue.addEventListener('change', changed('queue', queue));
    person.addEventListener('change', changed('person', person));
    from.addEventListener('change', changed('from', from));
    to.addEventListener('change', changed('to', to));
    var typing = null;
    search.addEventListener('input', function () {
      clearTimeout(typing);
      typing = setTimeout(changed('q', search), 350);
    });
    search.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') {
        clearTimeout(typing);
        changed('q', search)();
      }
    });
    var field = function (label, id, control, wide) {
      return el('div', { className: 'field' + (wide ? ' field-search' : '') }, [el('label', { text: label, attrs: { for: id } }), control]);
    };
    var bar = el('div', { id: 'filters', className: 'filters', attrs: { role: 'search', 'aria-label': t('filter.bar') } }, [
      field(t('filter.search'), 'filter-q', search, true),
      field(t('filter.kind'), 'filter-kind', kind),
      field(t('filter.state'), 'filter-state', state),
      secondaryFilters([
        field(t('filter.queue'), 'filter-queue', queue),
        field(t('filter.person'), 'filter-person', person),
        field(t('filter.from'), 'filter-from', from),
        field(t('filter.to'), 'filter-to', to),
      ]),
      el('div', { className: 'filter-buttons' }, [
        button(t('filter.clear'), function () {
          FILTER_NAMES.forEach(function (name) { filters[name] = ''; });
          syncControls();
          writeFilters();
          loadRequests();
        }),
        button(t('filter.refresh'), function () { loadRequests(); }),
        button(t('help.button'), askForHelp, true),
        // Admins' audit export (issue 16 §4) puts its link here; the slot shows only for people who may export.
        el('span', { id: 'admin-export', className: 'admin-export', attrs: { hidden: true } }),
      ]),
    ]);
    content.parentNode.insertBefore(bar, notice);
    content.parentNode.insertBefore(el('p', { id: 'scope', className: 'scope muted' }), notice);
    content.parentNode.insertBefore(el('section', { id: 'timeline', className: 'timeline', attrs: { hidden: true, 'aria-labelledby': 'timeline-title', tabindex: '-1' } }), notice);
    syncControls();
  }

  /**
   * The queue, person and date filters: beside the others on a wide screen; on a phone folded under "More filters"
   * (open when one of them is set), so the list starts on the first screen.
   */
  function secondaryFilters(fields) {
    var narrow = typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 600px)').matches;
    if (!narrow) return el('div', { className: 'filters-more' }, fields);
    var used = filters.queue || filters.person || filters.from || filters.to;
    return el('details', { id: 'more-filters', className: 'filters-more filters-folded', attrs: { open: used ? true : null } }, [el('summary', { text: t('filter.more') })].concat(fields));
  }

  /** Puts the filters into the controls (after reading the address, or when the list says which queues and people exist). */
  function syncControls() {
    var set = function (id, value) {
      var control = document.getElementById(id);
      if (control) control.value = value;
    };
    set('filter-kind', filters.kind);
    fillStates(document.getElementById('filter-state'), filters.kind);
    set('filter-state', filters.state);
    set('filter-queue', filters.queue);
    set('filter-person', filters.person);
    set('filter-from', filters.from);
    set('filter-to', filters.to);
    set('filter-q', filters.q);
  }

  function fillOptions(select, first, items) {
    if (!select) return;
    var chosen = select.getAttribute('data-want') || select.value;
    replaceChildren(select, [el('option', { text: first, attrs: { value: '' } })].concat(
      items.map(function (item) { return el('option', { text: item.name, attrs: { value: item.id } }); }),
    ));
    select.value = chosen;
  }

  function fillStates(select, kind) {
    if (!select) return;
    var previous = select.value || filters.state;
    var states = kind === 'session' ? SESSION_STATES : kind === 'lockbox' ? LOCKBOX_STATES : kind === 'assist' ? ASSIST_STATES : kind === 'invitation' ? INVITATION_STATES : SESSION_STATES.concat(LOCKBOX_STATES, ASSIST_STATES, INVITATION_STATES);
    var seen = {};
    var options = [el('option', { text: t('filter.allStates'), attrs: { value: '' } })];
    states.forEach(function (state) {
      if (seen[state]) return;
      seen[state] = true;
      options.push(el('option', { text: stateLabel(state), attrs: { value: state } }));
    });
    replaceChildren(select, options);
    select.value = seen[previous] ? previous : '';
  }

  /**
   * "Ask for help": the form lives in the chat with Doorman (it lists the user's devices and becomes their request
   * card), so the tab opens that chat with "help me" typed in. Without a bot id (local mode) it says what to type.
   */
  function askForHelp() {
    var link = boot.botId ? 'https://teams.microsoft.com/l/chat/0/0?users=28:' + encodeURIComponent(boot.botId) + '&message=' + encodeURIComponent('help me') : null;
    var manual = [t('help.text')];
    if (!link || !teams || !teams.app || typeof teams.app.openLink !== 'function') return say('info', t('help.title'), manual);
    teams.app.openLink(link).catch(function () { say('info', t('help.title'), manual); });
  }

  function showList(visible) {
    var timeline = document.getElementById('timeline');
    var bar = document.getElementById('filters');
    var scope = document.getElementById('scope');
    if (timeline) timeline.hidden = visible;
    if (bar) bar.hidden = !visible;
    if (scope) scope.hidden = !visible;
    content.hidden = !visible;
  }

  function loadRequests(cursor) {
    var epoch = ++loadEpoch;
    if (!cursor) loading(t('list.loading'));
    var query = apiQuery(cursor);
    callApi('/tab/api/requests' + (query ? '?' + query : '')).then(
      function (answer) {
        if (epoch !== loadEpoch) return;
        content.removeAttribute('aria-busy');
        if (!answer.ok) {
          if (!cursor) replaceChildren(content, []);
          if (answer.status === 400) return say('problem', t('problem.badFiltersTitle'), [t('problem.badFiltersText')], [button(t('filter.clear'), function () { window.location.search = boot.queue ? '?queue=' + encodeURIComponent(boot.queue) : ''; }, true)]);
          return apiProblem(answer.status, errorCode(answer.body), function () { loadRequests(); });
        }
        renderRequests(answer.body || {}, !!cursor);
      },
      function (failure) {
        if (epoch !== loadEpoch) return;
        content.removeAttribute('aria-busy');
        if (!cursor) replaceChildren(content, []);
        if (failure && failure.tokenError !== undefined) return tokenProblem(failure.tokenError, function () { loadRequests(); });
        say('problem', t('problem.unreachableTitle'), [t('problem.unreachableText')], [button(t('problem.tryAgain'), function () { loadRequests(); }, true)]);
      },
    );
  }

  function describeScope(body) {
    var sees = body.sees || {};
    var parts = [t('scope.own')];
    if (sees.queues) parts.push(t('scope.queues'));
    if (sees.allLockbox) parts.push(t('scope.allLockbox'));
    var last = parts.pop();
    var sentence = t('scope.showing', { what: parts.length ? t('scope.and', { first: parts.join(', '), last: last }) : last });
    if (body.queue) sentence += ' ' + t(sees.queues ? 'scope.channelQueue' : 'scope.channelQueueAgentsOnly', { queue: body.queue.name });
    if (boot.queue && !body.queue) sentence += ' ' + t('scope.queueGone');
    return sentence;
  }

  /** Who a request is about: its customer or subject, then the requester and the assignee, by name. */
  function whoCell(request) {
    var what = request.customer || request.subject || '';
    var people = request.requesterName || '—';
    if (request.assigneeName && request.assigneeName !== request.requesterName) people += ' → ' + request.assigneeName;
    else if (!request.assigneeName && request.kind === 'session') people += ' · ' + t('list.unassigned');
    return el('td', { className: 'who', attrs: { 'data-label': t('column.who') } }, [
      what ? el('span', { className: 'who-what', text: what }) : null,
      el('span', { className: 'who-people muted', text: people }),
      request.queueName ? el('span', { className: 'who-queue muted', text: request.queueName }) : null,
      request.erased ? el('span', { className: 'who-erased muted', text: t('list.erased') }) : null,
    ]);
  }

  function whenCell(request) {
    if (request.window) {
      var until = request.window.to ? formatTime(request.window.to) : t('list.openEnd');
      return el('td', { className: 'time', attrs: { 'data-label': t('column.when') } }, [
        el('span', { className: 'muted', text: t('list.access') + ' ' }),
        el('time', { text: formatTime(request.window.from), attrs: { datetime: request.window.from } }),
        ' – ',
        request.window.to ? el('time', { text: until, attrs: { datetime: request.window.to } }) : until,
      ]);
    }
    var cell = timeCell(request.deadline);
    cell.setAttribute('data-label', t('column.when'));
    return cell;
  }

  function stateBadge(state) {
    return el('span', { className: 'state state-' + (STATE_TONES[state] || 'neutral'), text: stateLabel(state) });
  }

  function rowOf(request) {
    var state = String(request.state || '');
    var isFocus = focusId !== '' && String(request.id) === focusId;
    var open = function () {
      filters.request = String(request.id);
      writeFilters();
      openTimeline(filters.request);
    };
    var updated = timeCell(request.updatedAt);
    updated.setAttribute('data-label', t('column.updated'));
    var row = el('tr', {
      className: 'request-row' + (isFocus ? ' focused' : ''),
      attrs: { 'data-request-id': String(request.id), 'aria-current': isFocus ? 'true' : null, tabindex: '0', role: 'link', 'aria-label': t('list.openTimeline', { kind: kindLabel(request.kind), state: stateLabel(state) }) },
      on: {
        click: open,
        keydown: function (event) {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            open();
          }
        },
      },
    }, [
      el('th', { attrs: { scope: 'row', 'data-label': t('column.kind') }, className: 'kind', text: kindLabel(request.kind) }),
      whoCell(request),
      el('td', { attrs: { 'data-label': t('column.state') } }, [stateBadge(state)]),
      whenCell(request),
      updated,
    ]);
    if (isFocus) focusedRow = row;
    return row;
  }

  var focusedRow = null;

  function renderRequests(body, more) {
    showAuditExport((body && body.roles) || []);
    var requests = body.requests || [];
    nextCursor = body.next || null;
    var scope = document.getElementById('scope');
    if (scope) scope.textContent = describeScope(body);
    var queueSelect = document.getElementById('filter-queue');
    if (queueSelect) queueSelect.setAttribute('data-want', filters.queue);
    fillOptions(queueSelect, t('filter.allQueues'), body.queues || []);
    var personSelect = document.getElementById('filter-person');
    if (personSelect) personSelect.setAttribute('data-want', filters.person);
    fillOptions(personSelect, t('filter.anyone'), body.people || []);
    var exportSlot = document.getElementById('admin-export');
    if (exportSlot) exportSlot.hidden = !body.mayExport || !exportSlot.firstChild;
    listed = more ? listed.concat(requests) : requests;
    if (listed.length === 0) {
      replaceChildren(content, []);
      var filtered = FILTER_NAMES.some(function (name) { return filters[name] && !(name === 'queue' && filters.queue === boot.queue); });
      return say('info', t('list.emptyTitle'), [filtered ? t('list.emptyFiltered') : t('list.emptyNew')]);
    }
    notice.hidden = true;
    replaceChildren(notice, []);
    focusedRow = null;
    var table = el('table', { className: 'requests' }, [
      el('caption', { className: 'visually-hidden', text: t('list.caption', { zone: zoneName() }) }),
      el('thead', {}, [
        el('tr', {}, [
          el('th', { text: t('column.kind'), attrs: { scope: 'col' } }),
          el('th', { text: t('column.who'), attrs: { scope: 'col' } }),
          el('th', { text: t('column.state'), attrs: { scope: 'col' } }),
          el('th', { text: t('column.when'), attrs: { scope: 'col' } }),
          el('th', { text: t('column.updated'), attrs: { scope: 'col' } }),
        ]),
      ]),
      el('tbody', {}, listed.map(rowOf)),
    ]);
    replaceChildren(content, [
      el('div', { className: 'table-wrap' }, [table]),
      nextCursor ? el('div', { className: 'more' }, [button(t('list.older'), function () { loadRequests(nextCursor); })]) : null,
      el('p', { className: 'footnote muted', text: countText(listed.length, !!nextCursor) + ' · ' + t('time.in', { zone: zoneName() }) }),
    ]);
    if (!more && focusedRow && focusedRow.scrollIntoView) focusedRow.scrollIntoView({ block: 'center' });
  }

  // ---------- a request's timeline ----------

  function openTimeline(requestId) {
    var epoch = ++loadEpoch;
    showList(false);
    var panel = document.getElementById('timeline');
    replaceChildren(panel, []);
    loading(t('timeline.loading'));
    callApi('/tab/api/requests/' + encodeURIComponent(requestId)).then(
      function (answer) {
        if (epoch !== loadEpoch) return;
        content.removeAttribute('aria-busy');
        if (!answer.ok) {
          if (answer.status === 404 || answer.status === 400) {
            renderTimelineShell(panel, null);
            return say('info', t('timeline.notThereTitle'), [t('timeline.notThereText')]);
          }
          return apiProblem(answer.status, errorCode(answer.body), function () { openTimeline(requestId); });
        }
        notice.hidden = true;
        renderTimeline(panel, answer.body, null);
      },
      function (failure) {
        if (epoch !== loadEpoch) return;
        if (failure && failure.tokenError !== undefined) return tokenProblem(failure.tokenError, function () { openTimeline(requestId); });
        say('problem', t('problem.unreachableTitle'), [t('problem.unreachableText')], [button(t('problem.tryAgain'), function () { openTimeline(requestId); }, true)]);
      },
    );
  }

  function backToList() {
    filters.request = '';
    writeFilters();
    showList(true);
    loadRequests();
  }

  function renderTimelineShell(panel, title) {
    replaceChildren(panel, [
      el('div', { className: 'timeline-head' }, [button(t('timeline.back'), backToList), title]),
    ]);
    panel.hidden = false;
  }

  function renderTimeline(panel, body, message) {
    var request = body.request || {};
    var state = String(request.state || '');
    var title = el('h2', { id: 'timeline-title', text: kindLabel(request.kind) + (request.customer || request.subject ? ': ' + (request.customer || request.subject) : '') });
    renderTimelineShell(panel, title);
    var facts = [
      [t('timeline.state'), stateBadge(state)],
      [t('timeline.requester'), request.requesterName || '—'],
      [t('timeline.assignee'), request.assigneeName || (request.kind === 'session' ? t('list.unassigned') : '—')],
      request.queueName ? [t('timeline.queue'), request.queueName] : null,
      request.deadline ? [t('timeline.deadline'), el('time', { text: formatTime(request.deadline), attrs: { datetime: request.deadline } })] : null,
      request.window ? [t('timeline.access'), formatTime(request.window.from) + ' – ' + (request.window.to ? formatTime(request.window.to) : t('list.openEnd'))] : null,
      [t('timeline.created'), el('time', { text: formatTime(request.createdAt), attrs: { datetime: request.createdAt } })],
      [t('timeline.updated'), el('time', { text: formatTime(request.updatedAt), attrs: { datetime: request.updatedAt } })],
    ].concat((request.details || []).map(function (detail) {
      return [detail.label, detail.label === 'Scheduled for' ? formatTime(detail.value) : detail.value];
    }));
    var details = el('dl', { className: 'details' }, [].concat.apply([], facts.filter(Boolean).map(function (fact) {
      return [el('dt', { text: fact[0] }), el('dd', {}, [fact[1]])];
    })));
    var parts = [details];
    if (message) parts.push(el('p', { className: 'notice notice-problem', attrs: { role: 'alert' }, text: message }));
    var actions = body.actions || [];
    if (actions.length > 0) parts.push(actionForm(request, actions, panel));
    var events = (body.events || []).map(function (event) {
      return el('li', { className: 'event' }, [
        el('time', { className: 'event-time', text: formatTime(event.at), attrs: { datetime: event.at } }),
        el('div', { className: 'event-body' }, [
          el('span', { className: 'event-text', text: event.text }),
          el('span', { className: 'event-meta muted', text: t('timeline.by', { name: event.actorName, source: labelOr('source.', event.source) }) }),
          event.reason ? el('q', { className: 'event-reason', text: event.reason }) : null,
        ]),
      ]);
    });
    parts.push(
      el('h3', { text: t('timeline.heading') }),
      events.length ? el('ol', { className: 'events' }, events) : el('p', { className: 'muted', text: t('timeline.none') }),
      el('p', { className: 'footnote muted', text: t('time.inSentence', { zone: zoneName() }) }),
    );
    panel.appendChild(el('div', { className: 'timeline-body' }, parts));
    if (panel.focus) panel.focus();
  }

  /** The buttons of the actions the viewer may take; each sends the version shown (compare-and-set). */
  function actionForm(request, actions, panel) {
    var decides = actions.indexOf('approve') >= 0 || actions.indexOf('deny') >= 0;
    var comment = decides ? el('textarea', { id: 'action-comment', attrs: { maxlength: '500', rows: '2', name: 'comment' } }) : null;
    var buttons = actions.map(function (action) {
      return el('button', {
        className: 'button' + (action === 'approve' ? ' button-primary' : action === 'deny' || action === 'close' || action === 'cancel' ? ' button-danger' : ''),
        text: labelOr('action.', action),
        attrs: { type: 'button', 'data-action': action },
        on: { click: function () { act(request, action, comment ? comment.value : '', panel, buttons); } },
      });
    });
    return el('div', { className: 'request-actions', attrs: { role: 'group', 'aria-label': t('action.group') } }, [
      comment ? el('div', { className: 'field field-wide' }, [el('label', { text: t('action.comment'), attrs: { for: 'action-comment' } }), comment]) : null,
      el('div', { className: 'actions' }, buttons),
    ]);
  }

  function act(request, action, comment, panel, buttons) {
    buttons.forEach(function (b) { b.disabled = true; });
    var body = { action: action, version: request.version };
    if (comment && comment.trim()) body.comment = comment.trim();
    callApi('/tab/api/requests/' + encodeURIComponent(request.id) + '/actions', body).then(
      function (answer) {
        if (answer.ok) return renderTimeline(panel, answer.body, null);
        var code = errorCode(answer.body);
        if (REFUSALS.indexOf(code) >= 0) {
          // The current state, with what happened: like a card that lost its compare-and-set.
          return callApi('/tab/api/requests/' + encodeURIComponent(request.id)).then(function (fresh) {
            if (fresh.ok) return renderTimeline(panel, fresh.body, t('refusal.' + code));
            say('problem', t('refusal.' + code), []);
          });
        }
        buttons.forEach(function (b) { b.disabled = false; });
        apiProblem(answer.status, code, function () { act(request, action, comment, panel, buttons); });
      },
      function (failure) {
        buttons.forEach(function (b) { b.disabled = false; });
        if (failure && failure.tokenError !== undefined) return tokenProblem(failure.tokenError, function () {});
        say('problem', t('problem.unreachableTitle'), [t('problem.unreachableNothingChanged')]);
      },
    );
  }

  // ---------- the channel tab's configuration page ----------

  function startConfig(context) {
    var config = teams.pages && teams.pages.config;
    var chosen = null;
    var queues = [];
    function setValid(valid) {
      try {
        config.setValidityState(valid);
      } catch (e) {
        // outside the configuration frame there is no Save button to enable
      }
    }
    try {
      config.registerOnSaveHandler(function (saveEvent) {
        if (!chosen) return saveEvent.notifyFailure(t('config.chooseFirst'));
        var url = new URL('/tab?queue=' + encodeURIComponent(chosen.id), window.location.origin).href;
        config
          .setConfig({ entityId: 'doorman-queue-' + chosen.id, contentUrl: url, websiteUrl: url, suggestedDisplayName: t('config.tabName', { queue: chosen.name }).slice(0, 128) })
          .then(function () { saveEvent.notifySuccess(); }, function (error) { saveEvent.notifyFailure(String((error && error.message) || error)); });
      });
    } catch (e) {
      // registerOnSaveHandler throws outside the configuration frame; the list below still explains itself
    }
    setValid(false);
    var channelId = context && context.channel && context.channel.id;

    function load() {
      loading(t('config.loading'));
      callApi('/tab/api/queues').then(
        function (answer) {
          content.removeAttribute('aria-busy');
          if (!answer.ok) return apiProblem(answer.status, errorCode(answer.body), load);
          queues = (answer.body && answer.body.queues) || [];
          render();
        },
        function (failure) {
          content.removeAttribute('aria-busy');
          if (failure && failure.tokenError !== undefined) return tokenProblem(failure.tokenError, load);
          say('problem', t('problem.unreachableTitle'), [t('problem.unreachableText')], [button(t('problem.tryAgain'), load, true)]);
        },
      );
    }

    function render() {
      if (queues.length === 0) {
        replaceChildren(content, []);
        return say('info', t('config.noQueueTitle'), [t('config.noQueueText')]);
      }
      notice.hidden = true;
      var select = el('select', { id: 'queue', attrs: { name: 'queue', required: true } }, [el('option', { text: t('config.choose'), attrs: { value: '' } })].concat(
        queues.map(function (queue) {
          return el('option', { text: queue.name, attrs: { value: queue.id } });
        }),
      ));
      var here = queues.filter(function (queue) { return channelId && queue.channelId === channelId; })[0];
      if (here) select.value = here.id;
      function pick() {
        chosen = queues.filter(function (queue) { return queue.id === select.value; })[0] || null;
        setValid(!!chosen);
      }
      select.addEventListener('change', pick);
      pick();
      replaceChildren(content, [
        el('div', { className: 'field field-wide' }, [el('label', { text: t('config.queue'), attrs: { for: 'queue' } }), select]),
        el('p', { className: 'muted', text: here ? t('config.thisChannel', { queue: here.name }) : t('config.whoSees') }),
      ]);
    }

    load();
  }

  // ---------- audit export (admins) ----------

  /**
   * "Export audit events": admins pick a date range and download the events as CSV or JSON lines. The download is
   * fetched with the SSO token (a plain link would carry none) and handed to the browser as a file.
   */
  function showAuditExport(roles) {
    if (roles.indexOf('admin') < 0 || document.getElementById('audit-export')) return;
    var today = new Date();
    var monthAgo = new Date(today.getTime() - 30 * 24 * 3600 * 1000);
    var from = el('input', { id: 'audit-from', attrs: { type: 'date', name: 'from', value: monthAgo.toISOString().slice(0, 10) } });
    var to = el('input', { id: 'audit-to', attrs: { type: 'date', name: 'to', value: today.toISOString().slice(0, 10) } });
    var status = el('p', { id: 'audit-status', className: 'muted', attrs: { role: 'status', 'aria-live': 'polite' } });
    function download(extension) {
      if (!from.value || !to.value) return (status.textContent = t('audit.bothDates'));
      // Whole days: from the first day's start to the end of the last day, in UTC.
      var end = new Date(new Date(to.value + 'T00:00:00Z').getTime() + 24 * 3600 * 1000).toISOString();
      var path = '/tab/api/audit/events.' + extension + '?from=' + encodeURIComponent(from.value + 'T00:00:00Z') + '&to=' + encodeURIComponent(end);
      status.textContent = t('audit.preparing');
      teams.authentication.getAuthToken().then(function (token) {
        return fetch(path, { headers: { Authorization: 'Bearer ' + token }, credentials: 'omit', cache: 'no-store' });
      }).then(function (response) {
        if (!response.ok) {
          status.textContent = response.status === 403 ? t('audit.adminsOnly') : response.status === 400 ? t('audit.badDates') : t('audit.failed', { status: response.status });
          return null;
        }
        return response.blob().then(function (blob) {
          var link = el('a', { attrs: { href: URL.createObjectURL(blob), download: 'doorman-audit-' + from.value + '-' + to.value + '.' + extension } });
          document.body.appendChild(link);
          link.click();
          link.remove();
          setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
          status.textContent = t('audit.done');
        });
      }).catch(function () {
        status.textContent = t('audit.unreachable');
      });
    }
    var section = el('section', { id: 'audit-export', className: 'filters', attrs: { 'aria-label': t('audit.section') } }, [
      el('div', { className: 'field' }, [el('label', { text: t('audit.from'), attrs: { for: 'audit-from' } }), from]),
      el('div', { className: 'field' }, [el('label', { text: t('audit.to'), attrs: { for: 'audit-to' } }), to]),
      button(t('audit.csv'), function () { download('csv'); }),
      button(t('audit.jsonl'), function () { download('jsonl'); }),
      status,
    ]);
    content.parentNode.appendChild(section);
  }

  // ---------- language ----------

  /**
   * Speaks the first supported language of `tags` (Teams' app.locale, then the browser's), else English. The page
   * came with its shell language's texts; another language's are fetched once (on failure the page's stay). Dates
   * and times use the tag itself when it names that language (its region's formats), else the language.
   */
  function chooseLanguage(tags) {
    var wanted = 'en';
    var tag = '';
    for (var i = 0; i < tags.length; i++) {
      if (languageOfTag(tags[i])) {
        wanted = languageOfTag(tags[i]);
        tag = String(tags[i]);
        break;
      }
    }
    var loaded = wanted === language
      ? Promise.resolve()
      : withTimeout(fetch('/tab/messages/' + wanted, { headers: { Accept: 'application/json' }, credentials: 'omit' }), REQUEST_TIMEOUT_MS, 'Texts').then(function (response) {
          if (!response.ok) return;
          return response.json().then(function (body) {
            messages = body;
            language = wanted;
          });
        }).catch(function () {
          // the page's own language stays: an English (or browser-language) tab beats no tab
        });
    return loaded.then(function () {
      locale = tag && languageOfTag(tag) === language ? tag.replace('_', '-') : language;
      document.documentElement.setAttribute('lang', language);
      var config = boot.page === 'config';
      document.title = t(config ? 'page.configTitle' : 'page.title');
      var title = document.getElementById('title');
      if (title) title.textContent = t(config ? 'page.configHeading' : 'page.heading');
      if (boot.ssoConfigured && notice && !notice.firstElementChild) notice.textContent = t('page.loading');
    });
  }

  // ---------- start ----------

  connectToTeams().then(
    function (context) {
      var app = (context && context.app) || {};
      focusId = String((context && context.page && context.page.subPageId) || '');
      applyTheme(app.theme);
      try {
        teams.app.registerOnThemeChangeHandler(applyTheme);
      } catch (e) {
        // older hosts: the theme stays as it was at start
      }
      notifyLoaded();
      if (!boot.ssoConfigured) return; // the page already says plainly what is missing, in the browser's language
      return chooseLanguage([app.locale, navigator.language]).then(function () {
        if (boot.page === 'config') startConfig(context);
        else startRequests();
      });
    },
    function () {
      if (!boot.ssoConfigured) return;
      return chooseLanguage([navigator.language]).then(outsideTeams);
    },
  );
})();
