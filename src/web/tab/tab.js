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

  var KIND_LABELS = { session: 'Support session', lockbox: 'Lockbox access', assist: 'Remote assistance' };
  var SESSION_STATES = ['open', 'waiting', 'ready', 'connected', 'closed', 'expired'];
  var LOCKBOX_STATES = ['review', 'pending', 'approved', 'denied', 'cancelled', 'ended', 'expired'];
  var ASSIST_STATES = ['requested', 'accepted', 'allowed', 'connected', 'closed', 'cancelled', 'expired'];
  var STATE_LABELS = {
    open: 'Open',
    waiting: 'Customer waiting',
    ready: 'Ready to admit',
    connected: 'Connected',
    closed: 'Closed',
    expired: 'Expired',
    review: 'In lead review',
    pending: 'Awaiting approval',
    approved: 'Approved',
    denied: 'Denied',
    cancelled: 'Cancelled',
    ended: 'Ended',
    requested: 'Waiting for a helper',
    accepted: 'Helper waiting for consent',
    allowed: 'Control allowed',
  };
  var STATE_TONES = {
    open: 'neutral', waiting: 'attention', ready: 'attention', connected: 'good', closed: 'done', expired: 'done',
    review: 'attention', pending: 'attention', approved: 'good', denied: 'bad', cancelled: 'done', ended: 'done',
    requested: 'attention', accepted: 'attention', allowed: 'good',
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
  var filters = { kind: '', state: '' };
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
    say('info', 'Open this tab in Microsoft Teams', [
      'Doorman’s Requests tab signs you in through Teams. Open Doorman in Teams and choose the Requests tab, or add it to a channel of a queue.',
    ]);
  }

  function notConfigured() {
    say('problem', 'Single sign-on is not set up', [
      'This tab shows your Doorman requests once Teams has signed you in to Doorman, and this Doorman has no tab sign-on configured yet.',
      'Admins: set TAB_SSO_CLIENT_ID and TAB_SSO_APP_ID_URI; see ' + SETUP_DOC + '.',
    ]);
  }

  function tokenProblem(error, retry) {
    var reason = String((error && (error.message || error)) || '');
    var consent = /consent|interaction_required|ConsentRequired/i.test(reason);
    say(
      'problem',
      consent ? 'Doorman needs your consent' : 'Teams could not sign you in to Doorman',
      consent
        ? ['Select Try again and accept the prompt. If no prompt appears, ask your admin to grant consent for Doorman in Microsoft Entra ID.']
        : [
            'The tab’s single sign-on may not be set up completely: the app registration must expose the scope access_as_user under api://<Doorman domain>/<client id> and pre-authorize the Teams clients, and the app package must name that registration in webApplicationInfo.',
            'Admins: see ' + SETUP_DOC + '.',
          ],
      [button('Try again', retry, true)],
    );
  }

  function apiProblem(status, code, retry) {
    if (status === 503 && code === 'TAB_SSO_NOT_CONFIGURED') return notConfigured();
    if (status === 401) {
      return say('problem', 'Doorman did not accept your Teams sign-in', [
        'The token Teams gave the tab does not match Doorman’s settings (audience, tenant or signing keys). Admins: compare TAB_SSO_CLIENT_ID, TAB_SSO_APP_ID_URI and ALLOWED_TENANT_IDS with the app registration; see ' + SETUP_DOC + '.',
      ], [button('Try again', retry, true)]);
    }
    if (status === 429) return say('problem', 'Too many requests', ['Wait a minute, then try again.'], [button('Try again', retry, true)]);
    say('problem', 'Doorman could not load this', ['Something went wrong on Doorman’s side (' + (code || 'HTTP ' + status) + ').'], [button('Try again', retry, true)]);
  }

  /** Calls Doorman's tab API with a fresh SSO token; resolves `{ ok, status, body }`, rejects `{ tokenError }` on sign-in failure. */
  function callApi(path) {
    return teams.authentication.getAuthToken().then(
      function (token) {
        var controller = typeof AbortController === 'function' ? new AbortController() : null;
        var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
        return fetch(path, {
          headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' },
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

  function startRequests() {
    buildFilters();
    loadRequests();
  }

  function buildFilters() {
    var kind = el('select', { id: 'filter-kind', attrs: { name: 'kind' } }, [
      el('option', { text: 'All kinds', attrs: { value: '' } }),
      el('option', { text: KIND_LABELS.session, attrs: { value: 'session' } }),
      el('option', { text: KIND_LABELS.lockbox, attrs: { value: 'lockbox' } }),
      el('option', { text: KIND_LABELS.assist, attrs: { value: 'assist' } }),
    ]);
    var state = el('select', { id: 'filter-state', attrs: { name: 'state' } });
    fillStates(state, '');
    kind.addEventListener('change', function () {
      filters.kind = kind.value;
      fillStates(state, kind.value);
      filters.state = state.value;
      loadRequests();
    });
    state.addEventListener('change', function () {
      filters.state = state.value;
      loadRequests();
    });
    var bar = el('div', { className: 'filters', attrs: { role: 'group', 'aria-label': 'Filter requests' } }, [
      el('div', { className: 'field' }, [el('label', { text: 'Kind', attrs: { for: 'filter-kind' } }), kind]),
      el('div', { className: 'field' }, [el('label', { text: 'State', attrs: { for: 'filter-state' } }), state]),
      button('Refresh', function () { loadRequests(); }),
      button('Ask for help', askForHelp, true),
    ]);
    content.parentNode.insertBefore(bar, notice);
    content.parentNode.insertBefore(el('p', { id: 'scope', className: 'scope muted' }), notice);
  }

  function fillStates(select, kind) {
    var previous = select.value;
    var states = kind === 'session' ? SESSION_STATES : kind === 'lockbox' ? LOCKBOX_STATES : kind === 'assist' ? ASSIST_STATES : SESSION_STATES.concat(LOCKBOX_STATES, ASSIST_STATES);
    var seen = {};
    var options = [el('option', { text: 'All states', attrs: { value: '' } })];
    states.forEach(function (state) {
      if (seen[state]) return;
      seen[state] = true;
      options.push(el('option', { text: STATE_LABELS[state] || state, attrs: { value: state } }));
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
    var manual = ['Say “help me” to Doorman in your chat with it: a short form asks what is wrong and which device needs help.'];
    if (!link || !teams || !teams.app || typeof teams.app.openLink !== 'function') return say('info', 'Ask for help in the chat with Doorman', manual);
    teams.app.openLink(link).catch(function () { say('info', 'Ask for help in the chat with Doorman', manual); });
  }

  function loadRequests() {
    var epoch = ++loadEpoch;
    var params = [];
    if (filters.kind) params.push('kind=' + encodeURIComponent(filters.kind));
    if (filters.state) params.push('state=' + encodeURIComponent(filters.state));
    if (boot.queue) params.push('queue=' + encodeURIComponent(boot.queue));
    loading('Loading your requests…');
    callApi('/tab/api/requests' + (params.length ? '?' + params.join('&') : '')).then(
      function (answer) {
        if (epoch !== loadEpoch) return;
        content.removeAttribute('aria-busy');
        if (!answer.ok) {
          replaceChildren(content, []);
          return apiProblem(answer.status, errorCode(answer.body), loadRequests);
        }
        renderRequests(answer.body);
      },
      function (failure) {
        if (epoch !== loadEpoch) return;
        content.removeAttribute('aria-busy');
        replaceChildren(content, []);
        if (failure && failure.tokenError !== undefined) return tokenProblem(failure.tokenError, loadRequests);
        say('problem', 'Doorman could not be reached', ['Check your connection, then try again.'], [button('Try again', loadRequests, true)]);
      },
    );
  }

  function describeScope(body) {
    var roles = body.roles || [];
    var agent = roles.indexOf('agent') >= 0;
    var parts = ['your own requests (created by you, assigned to you or asked for by you)'];
    if (body.queue && agent) parts.push('the requests of the queue “' + body.queue.name + '”');
    if (roles.indexOf('approver') >= 0) parts.push('lockbox requests awaiting approval');
    var last = parts.pop();
    var sentence = 'Showing ' + (parts.length ? parts.join(', ') + ' and ' + last : last) + '.';
    if (boot.queue && !body.queue) sentence += ' This tab’s queue is no longer registered.';
    if (body.queue && !agent) sentence += ' Only agents see the requests of the queue “' + body.queue.name + '” here.';
    return sentence;
  }

  function deadlineOf(request) {
    if (request.kind === 'session') return ['open', 'waiting', 'ready'].indexOf(request.state) >= 0 ? request.deadline : null;
    if (request.kind === 'assist') return request.deadline || null;
    if (request.kind === 'lockbox') {
      if (request.state === 'review' || request.state === 'pending') return request.deadline;
      if (request.state === 'approved' && request.access && request.access.endsAt) return request.access.endsAt;
    }
    return null;
  }

  // The colleagues a request is about, by the names Doorman sends next to their ids (never the ids themselves).
  function whoOf(request) {
    if (request.kind === 'lockbox') return request.requesterName || '—';
    var owner = request.ownerName || '—';
    if (!request.assigneeName) return owner + ' · unassigned';
    return request.assigneeName === owner ? owner : owner + ' → ' + request.assigneeName;
  }

  function renderRequests(body) {
    showAuditExport((body && body.roles) || []);
    var requests = (body && body.requests) || [];
    var scope = document.getElementById('scope');
    if (scope) scope.textContent = describeScope(body || {});
    if (requests.length === 0) {
      replaceChildren(content, []);
      var filtered = filters.kind || filters.state;
      return say('info', 'No requests to show', [
        filtered
          ? 'Nothing matches these filters. Choose All kinds and All states to see everything.'
          : 'Requests you create (say “new session” or “lockbox” to Doorman) and requests assigned to you appear here.',
      ]);
    }
    notice.hidden = true;
    replaceChildren(notice, []);
    var focused = null;
    var rows = requests.map(function (request) {
      var state = String(request.state || '');
      var isFocus = focusId !== '' && String(request.id) === focusId;
      var row = el('tr', { className: isFocus ? 'focused' : '', attrs: { 'data-request-id': String(request.id), 'aria-current': isFocus ? 'true' : null } }, [
        el('th', { attrs: { scope: 'row' }, className: 'kind', text: KIND_LABELS[request.kind] || String(request.kind) }),
        el('td', {}, [el('span', { className: 'state state-' + (STATE_TONES[state] || 'neutral'), text: STATE_LABELS[state] || state })]),
        el('td', { className: 'who', text: whoOf(request) }),
        timeCell(deadlineOf(request)),
        timeCell(request.createdAt),
      ]);
      if (isFocus) focused = row;
      return row;
    });
    var table = el('table', { className: 'requests' }, [
      el('caption', { className: 'visually-hidden', text: 'Your requests, newest first. Times in ' + (timeZone || 'your time zone') + '.' }),
      el('thead', {}, [
        el('tr', {}, [
          el('th', { text: 'Kind', attrs: { scope: 'col' } }),
          el('th', { text: 'State', attrs: { scope: 'col' } }),
          el('th', { text: 'Who', attrs: { scope: 'col' } }),
          el('th', { text: 'Deadline', attrs: { scope: 'col' } }),
          el('th', { text: 'Created', attrs: { scope: 'col' } }),
        ]),
      ]),
      el('tbody', {}, rows),
    ]);
    replaceChildren(content, [
      el('div', { className: 'table-wrap' }, [table]),
      el('p', { className: 'footnote muted', text: requests.length + (requests.length === 1 ? ' request' : ' requests') + ' · times in ' + (timeZone || 'your time zone') }),
    ]);
    if (focused && focused.scrollIntoView) focused.scrollIntoView({ block: 'center' });
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
        if (!chosen) return saveEvent.notifyFailure('Choose a queue first.');
        var url = new URL('/tab?queue=' + encodeURIComponent(chosen.id), window.location.origin).href;
        config
          .setConfig({ entityId: 'doorman-queue-' + chosen.id, contentUrl: url, websiteUrl: url, suggestedDisplayName: ('Requests: ' + chosen.name).slice(0, 128) })
          .then(function () { saveEvent.notifySuccess(); }, function (error) { saveEvent.notifyFailure(String((error && error.message) || error)); });
      });
    } catch (e) {
      // registerOnSaveHandler throws outside the configuration frame; the list below still explains itself
    }
    setValid(false);
    var channelId = context && context.channel && context.channel.id;

    function load() {
      loading('Loading the queues…');
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
          say('problem', 'Doorman could not be reached', ['Check your connection, then try again.'], [button('Try again', load, true)]);
        },
      );
    }

    function render() {
      if (queues.length === 0) {
        replaceChildren(content, []);
        return say('info', 'No queue is registered yet', ['An admin says “@Doorman register queue <name>” in a channel to make it a queue. Then add this tab again.']);
      }
      notice.hidden = true;
      var select = el('select', { id: 'queue', attrs: { name: 'queue', required: true } }, [el('option', { text: 'Choose a queue', attrs: { value: '' } })].concat(
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
        el('div', { className: 'field field-wide' }, [el('label', { text: 'Queue', attrs: { for: 'queue' } }), select]),
        el('p', { className: 'muted', text: here ? 'This channel is the queue “' + here.name + '”.' : 'Agents see the queue’s requests in the tab; everyone sees their own.' }),
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
      if (!from.value || !to.value) return (status.textContent = 'Choose both dates.');
      // Whole days: from the first day's start to the end of the last day, in UTC.
      var end = new Date(new Date(to.value + 'T00:00:00Z').getTime() + 24 * 3600 * 1000).toISOString();
      var path = '/tab/api/audit/events.' + extension + '?from=' + encodeURIComponent(from.value + 'T00:00:00Z') + '&to=' + encodeURIComponent(end);
      status.textContent = 'Preparing the download…';
      teams.authentication.getAuthToken().then(function (token) {
        return fetch(path, { headers: { Authorization: 'Bearer ' + token }, credentials: 'omit', cache: 'no-store' });
      }).then(function (response) {
        if (!response.ok) {
          status.textContent = response.status === 403 ? 'Only admins may export the audit events.' : response.status === 400 ? 'Check the dates: the first must come before the last.' : 'Doorman could not export (HTTP ' + response.status + ').';
          return null;
        }
        return response.blob().then(function (blob) {
          var link = el('a', { attrs: { href: URL.createObjectURL(blob), download: 'doorman-audit-' + from.value + '-' + to.value + '.' + extension } });
          document.body.appendChild(link);
          link.click();
          link.remove();
          setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
          status.textContent = 'Downloaded.';
        });
      }).catch(function () {
        status.textContent = 'Doorman could not be reached. Check your connection, then try again.';
      });
    }
    var section = el('section', { id: 'audit-export', className: 'filters', attrs: { 'aria-label': 'Export audit events' } }, [
      el('div', { className: 'field' }, [el('label', { text: 'Audit events from', attrs: { for: 'audit-from' } }), from]),
      el('div', { className: 'field' }, [el('label', { text: 'to', attrs: { for: 'audit-to' } }), to]),
      button('Export audit events (CSV)', function () { download('csv'); }),
      button('JSON lines', function () { download('jsonl'); }),
      status,
    ]);
    content.parentNode.appendChild(section);
  }

  // ---------- start ----------

  connectToTeams().then(
    function (context) {
      var app = (context && context.app) || {};
      focusId = String((context && context.page && context.page.subPageId) || '');
      locale = app.locale || navigator.language || undefined;
      applyTheme(app.theme);
      try {
        teams.app.registerOnThemeChangeHandler(applyTheme);
      } catch (e) {
        // older hosts: the theme stays as it was at start
      }
      notifyLoaded();
      if (!boot.ssoConfigured) return; // the page already says plainly what is missing
      if (boot.page === 'config') startConfig(context);
      else startRequests();
    },
    function () {
      locale = navigator.language || undefined;
      if (!boot.ssoConfigured) return;
      outsideTeams();
    },
  );
})();
