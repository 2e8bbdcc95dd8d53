/*
 * Doorman customer portal. Plain browser script (no build step): the page's CSP allows only same-origin scripts,
 * so everything is wired here with addEventListener, and every text the customer or the server supplies is
 * inserted with textContent, never as HTML.
 */
(function () {
  'use strict';

  var bootElement = document.getElementById('doorman-boot');
  if (!bootElement) return;
  var boot;
  try {
    boot = JSON.parse(bootElement.textContent || '{}');
  } catch (e) {
    return;
  }

  var STRINGS = boot.strings || {};
  var ERROR_KEYS = boot.errorKeys || {};
  // The base path comes from the server, not from location, so the code is never re-derived from the URL bar.
  var BASE = String(boot.base || '');
  var LANGUAGE = String(boot.language || 'en');
  var NAME_MAX_LENGTH = 80;
  var POLL_INTERVAL_MS = 3000;
  var SSE_ERRORS_BEFORE_POLLING = 3;
  var REQUEST_TIMEOUT_MS = 15000;
  var STATES = ['open', 'waiting', 'ready', 'connected', 'closed', 'expired'];
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var FINAL_CODES = ['REQUEST.NOT_FOUND', 'LINK.EXPIRED', 'REQUEST.EXPIRED'];

  var viewElement = document.getElementById('view');
  var statusElement = document.getElementById('status');
  var errorElement = document.getElementById('error');
  var headingBase = document.title;

  var currentViewKey = null;
  var keepErrorOnNextRender = false;
  var busy = false;
  var actionEpoch = 0;
  var stopped = false;
  var eventSource = null;
  var sseErrors = 0;
  var sseHadError = false;
  var pollTimer = null;
  var startTimer = null;
  var idCounter = 0;

  // ---------- small helpers ----------

  function text(key, values) {
    var template = Object.prototype.hasOwnProperty.call(STRINGS, key) ? String(STRINGS[key]) : key;
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function errorText(code) {
    var key = typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_KEYS, code)
      ? ERROR_KEYS[code]
      : 'errorGeneric';
    return text(key);
  }

  function nextId(prefix) {
    idCounter += 1;
    return 'dm-' + prefix + '-' + idCounter;
  }

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

  var ICONS = {
    clock: ['circle:12,12,9', 'M12 7v5l3 2'],
    person: ['circle:12,8,4', 'M4.5 20c0-3.9 3.4-6 7.5-6s7.5 2.1 7.5 6'],
    shield: ['M12 3l7 3v5.2c0 4.4-2.9 8.3-7 9.8-4.1-1.5-7-5.4-7-9.8V6z', 'M8.8 12.2l2.2 2.2 4.2-4.4'],
    check: ['circle:12,12,9', 'M7.8 12.4l2.9 2.9 5.5-5.8'],
    info: ['circle:12,12,9', 'M12 11v5.5', 'M12 7.6v.2'],
    ended: ['circle:12,12,9', 'M9 9l6 6', 'M15 9l-6 6'],
    device: ['M7 3h10a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1z', 'M11 18h2'],
  };

  function icon(name, tone) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    (ICONS[name] || ICONS.info).forEach(function (shape) {
      var node;
      if (shape.indexOf('circle:') === 0) {
        var c = shape.slice(7).split(',');
        node = document.createElementNS(SVG_NS, 'circle');
        node.setAttribute('cx', c[0]);
        node.setAttribute('cy', c[1]);
        node.setAttribute('r', c[2]);
      } else {
        node = document.createElementNS(SVG_NS, 'path');
        node.setAttribute('d', shape);
      }
      svg.appendChild(node);
    });
    return el('div', { className: 'icon icon-' + (tone || 'accent') }, [svg]);
  }

  function replaceChildren(parent, children) {
    while (parent.firstChild) parent.removeChild(parent.firstChild);
    children.forEach(function (child) { parent.appendChild(child); });
  }

  function spinner() {
    return el('span', { className: 'spinner', attrs: { 'aria-hidden': 'true' } });
  }

  function heading(key, values) {
    return el('h1', { className: 'title', text: text(key, values), attrs: { tabindex: '-1' } });
  }

  function paragraph(content, className) {
    return el('p', { className: className || '', text: content });
  }

  function announce(message) {
    if (statusElement) statusElement.textContent = message || '';
  }

  function showError(message) {
    if (!errorElement) return;
    errorElement.textContent = message || '';
    // On a phone the message can sit below the fold; role=alert tells screen readers, this shows everyone else.
    if (message && errorElement.scrollIntoView) errorElement.scrollIntoView({ block: 'nearest' });
  }

  function locales() {
    // The browser's own regional format when it speaks the page's language; otherwise the page's language,
    // so a German page never shows an English date.
    var preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
    for (var i = 0; i < preferred.length; i += 1) {
      if (String(preferred[i]).toLowerCase().split('-')[0] === LANGUAGE) return [preferred[i], LANGUAGE];
    }
    return [LANGUAGE];
  }

  /** A moment in the browser's time zone, e.g. "Friday, 5 December 2025 at 14:00 (CET)". */
  function formatTime(iso) {
    var moment = new Date(iso);
    if (!iso || isNaN(moment.getTime())) return '';
    try {
      var formatted = new Intl.DateTimeFormat(locales(), { dateStyle: 'full', timeStyle: 'short' }).format(moment);
      var zone = new Intl.DateTimeFormat(locales(), { timeZoneName: 'short' })
        .formatToParts(moment)
        .filter(function (part) { return part.type === 'timeZoneName'; })[0];
      return zone ? formatted + ' (' + zone.value + ')' : formatted;
    } catch (e) {
      return moment.toLocaleString();
    }
  }

  function isState(value) {
    return !!value && typeof value === 'object' && STATES.indexOf(value.state) !== -1;
  }

  function isTerminal(state) {
    return state.state === 'closed' || state.state === 'expired';
  }

  /** Only web links and same-origin paths may become the join button, never javascript: or data: URLs. */
  function safeJoinUrl(url) {
    if (typeof url !== 'string') return null;
    if (/^https?:\/\//i.test(url)) return url;
    if (url.charAt(0) === '/' && url.charAt(1) !== '/' && url.charAt(1) !== '\\') return url;
    return null;
  }

  // ---------- talking to the server ----------

  function request(method, path, body) {
    var headers = { Accept: 'application/json' };
    var init = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body || {});
    }
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = null;
    if (controller) {
      init.signal = controller.signal;
      timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    }
    return fetch(BASE + path, init).then(
      function (response) {
        if (timer) clearTimeout(timer);
        return response.text().then(function (raw) {
          var data = null;
          try {
            data = raw ? JSON.parse(raw) : null;
          } catch (e) {
            data = null;
          }
          if (response.ok) return data;
          var code = data && data.error && typeof data.error.code === 'string' ? data.error.code : null;
          throw { kind: 'http', status: response.status, code: code };
        });
      },
      function () {
        if (timer) clearTimeout(timer);
        throw { kind: 'network', status: 0, code: null };
      }
    );
  }

  function fetchState() {
    return request('GET', '/state').then(function (data) {
      if (!isState(data)) throw { kind: 'http', status: 200, code: null };
      return data;
    });
  }

  /** Reads and shows the current state; a background read that raced an action is dropped, as it may predate it. */
  function refresh(force) {
    var epoch = actionEpoch;
    return fetchState().then(function (state) {
      if (!force && (busy || epoch !== actionEpoch)) return state;
      announceConnection(true);
      applyState(state);
      return state;
    });
  }

  function announceConnection(ok) {
    if (!errorElement) return;
    var problem = text('connectionProblem');
    if (ok && errorElement.textContent === problem) showError('');
    if (!ok && !errorElement.textContent) showError(problem);
  }

  // ---------- live updates: SSE first, polling when SSE is missing or keeps failing ----------

  function startLiveUpdates() {
    if (stopped || eventSource || pollTimer) return;
    if (typeof window.EventSource !== 'function') {
      startPolling();
      return;
    }
    try {
      eventSource = new window.EventSource(BASE + '/events');
    } catch (e) {
      eventSource = null;
      startPolling();
      return;
    }
    eventSource.addEventListener('state', function (event) {
      sseErrors = 0;
      // The action's own answer is authoritative; an event racing it may describe the moment before.
      if (busy) return;
      var data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      announceConnection(true);
      applyState(data);
    });
    eventSource.addEventListener('open', function () {
      // Transitions that happened while the stream was down would otherwise be missed.
      if (sseHadError) {
        sseHadError = false;
        refresh().catch(function () {});
      }
    });
    eventSource.addEventListener('error', function () {
      sseErrors += 1;
      sseHadError = true;
      var closed = eventSource && eventSource.readyState === 2;
      if (closed || sseErrors >= SSE_ERRORS_BEFORE_POLLING) {
        if (eventSource) eventSource.close();
        eventSource = null;
        startPolling();
      }
    });
  }

  function startPolling() {
    if (stopped || pollTimer) return;
    pollTimer = setTimeout(function poll() {
      refresh()
        .catch(function (problem) {
          if (problem && problem.kind === 'network') announceConnection(false);
          // The link is gone for good (unknown, or expired while the state could not be read): stop asking.
          if (problem && FINAL_CODES.indexOf(problem.code) !== -1) {
            stopLiveUpdates();
            showLoadProblem(problem);
          }
        })
        .then(function () {
          pollTimer = stopped ? null : setTimeout(poll, POLL_INTERVAL_MS);
        });
    }, POLL_INTERVAL_MS);
  }

  /**
   * The server reads the binding cookie when a stream opens, so a stream opened before arrival would go on
   * describing this browser as a stranger ("in use"): after arrival, open a new one that carries the cookie.
   */
  function reopenEventStream() {
    if (!eventSource) return;
    eventSource.close();
    eventSource = null;
    sseErrors = 0;
    sseHadError = false;
    startLiveUpdates();
  }

  function stopLiveUpdates() {
    stopped = true;
    if (eventSource) eventSource.close();
    eventSource = null;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
    if (startTimer) clearTimeout(startTimer);
    startTimer = null;
  }

  /** Before the start time the server may not push anything, so the page also looks again when the time comes. */
  function watchStartTime(state) {
    if (startTimer || !(state.state === 'open' && state.startsLater && state.scheduledFor)) return;
    var wait = new Date(state.scheduledFor).getTime() - Date.now();
    if (isNaN(wait)) return;
    // A clock slightly ahead of the server's would ask too early: ask again every 15 s until it opens.
    wait = wait > 0 ? Math.min(wait + 500 + Math.random() * 1500, 2147483647) : 15000;
    startTimer = setTimeout(function () {
      startTimer = null;
      refresh().catch(function () {});
    }, wait);
  }

  // ---------- actions ----------

  function setBusy(container, pressed, on) {
    var buttons = container ? container.querySelectorAll('button, input') : [];
    for (var i = 0; i < buttons.length; i += 1) buttons[i].disabled = on;
    if (container) container.setAttribute('aria-busy', on ? 'true' : 'false');
    if (pressed) {
      var existing = pressed.querySelector('.spinner');
      if (on && !existing) pressed.insertBefore(spinner(), pressed.firstChild);
      if (!on && existing) existing.parentNode.removeChild(existing);
    }
  }

  /** POSTs an action; the answer (a PortalState, or nothing) is followed by the state the server now holds. */
  function act(path, body, pressed, onDone) {
    if (busy) return;
    busy = true;
    actionEpoch += 1;
    showError('');
    var container = viewElement;
    setBusy(container, pressed, true);
    announce(text('working'));
    request('POST', path, body)
      .then(function (data) {
        announce('');
        if (isState(data)) applyState(data);
        else return refresh(true);
      })
      .then(
        function () {
          if (path === '/arrive') reopenEventStream();
          if (onDone) onDone(true);
        },
        function (problem) {
          announce('');
          var isNetwork = problem && problem.kind === 'network';
          showError(isNetwork ? text('errorNetwork') : errorText(problem && problem.code));
          if (onDone) onDone(false);
          // The page may be out of date (another tab, the agent acted): show what is true now, keeping the message.
          if (!isNetwork && !(problem && problem.code === 'RATE.LIMITED')) {
            keepErrorOnNextRender = true;
            refresh(true).catch(function () {}).then(function () { keepErrorOnNextRender = false; });
          }
        }
      )
      .then(function () {
        busy = false;
        actionEpoch += 1;
        if (container === viewElement && container.contains(pressed)) {
          setBusy(container, pressed, false);
          pressed.focus();
        }
      });
  }

  // ---------- views ----------

  function tagBlock(tag) {
    var labelId = nextId('tag');
    var digits = String(tag || '');
    return el('section', { className: 'tag-box', attrs: { 'aria-labelledby': labelId } }, [
      el('p', { className: 'tag-label', id: labelId, text: text('tagLabel') }),
      el('p', { className: 'tag', text: digits, attrs: { 'aria-hidden': 'true', translate: 'no' } }),
      // Screen readers would read "4815" as a number; spaced digits are read one by one, as the agent sees them.
      el('p', { className: 'visually-hidden', text: digits.split('').join(' ') }),
      el('p', { className: 'tag-hint', text: text('tagHint') }),
    ]);
  }

  function actions(children) {
    return el('div', { className: 'actions' }, children);
  }

  function leaveArea(onLeft) {
    var area = el('div', { className: 'leave-area' });
    function showLeaveButton(focus) {
      var button = el('button', {
        className: 'btn btn-secondary',
        text: text('leave'),
        attrs: { type: 'button' },
        on: { click: showConfirm },
      });
      replaceChildren(area, [actions([button])]);
      if (focus) button.focus();
    }
    function showConfirm() {
      var question = el('p', { className: 'confirm-question', text: text('leaveQuestion'), attrs: { tabindex: '-1' } });
      var yes = el('button', { className: 'btn btn-danger', text: text('leaveConfirm'), attrs: { type: 'button' } });
      var no = el('button', {
        className: 'btn btn-secondary',
        text: text('leaveCancel'),
        attrs: { type: 'button' },
        on: { click: function () { showLeaveButton(true); } },
      });
      yes.addEventListener('click', function () {
        act('/leave', {}, yes, onLeft);
      });
      question.id = nextId('leave-question');
      replaceChildren(area, [
        el('div', { className: 'confirm', attrs: { role: 'group', 'aria-labelledby': question.id } }, [question, actions([yes, no])]),
      ]);
      question.focus();
    }
    showLeaveButton(false);
    return area;
  }

  function viewScheduled(state) {
    return [
      icon('clock'),
      heading('scheduledTitle'),
      paragraph(text('scheduledStartsAt', { time: formatTime(state.scheduledFor) }), 'lead'),
      paragraph(text('scheduledComeBack')),
    ];
  }

  function viewWelcome(state) {
    var inputId = nextId('name');
    var hintId = nextId('hint');
    var problemId = nextId('problem');
    var input = el('input', {
      id: inputId,
      className: 'input',
      attrs: {
        type: 'text',
        name: 'name',
        maxlength: String(NAME_MAX_LENGTH),
        autocomplete: 'name',
        autocapitalize: 'words',
        spellcheck: 'false',
        enterkeyhint: 'go',
        required: true,
        'aria-describedby': hintId,
      },
    });
    // The name the agent typed; the customer may change it.
    if (state.suggestedName) input.value = state.suggestedName;
    var problem = el('p', { className: 'field-problem', id: problemId });
    var submit = el('button', { className: 'btn btn-primary', text: text('continue'), attrs: { type: 'submit' } });
    var form = el('form', { className: 'form', attrs: { novalidate: true } }, [
      el('div', { className: 'field' }, [
        el('label', { className: 'label', text: text('nameLabel'), attrs: { for: inputId } }),
        input,
        el('p', { className: 'hint', id: hintId, text: text('nameHint') }),
        problem,
      ]),
      actions([submit]),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var name = input.value.replace(/\s+/g, ' ').trim();
      var message = !name ? text('nameRequired') : name.length > NAME_MAX_LENGTH ? text('nameTooLong') : '';
      problem.textContent = message;
      if (message) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', problemId + ' ' + hintId);
        input.focus();
        return;
      }
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', hintId);
      act('/arrive', { name: name }, submit);
    });
    var nodes = [icon('person'), heading('welcomeTitle'), paragraph(text('welcomeIntro')), form];
    var until = formatTime(state.expiresAt);
    if (until) nodes.push(paragraph(text('linkValidUntil', { time: until }), 'muted small'));
    return nodes;
  }

  function viewConsent(state) {
    var allow = el('button', { className: 'btn btn-primary', text: text('allow'), attrs: { type: 'button' } });
    var refuse = el('button', { className: 'btn btn-secondary', text: text('refuse'), attrs: { type: 'button' } });
    allow.addEventListener('click', function () { act('/consent', { allow: true }, allow); });
    refuse.addEventListener('click', function () { act('/consent', { allow: false }, refuse); });
    var questionId = nextId('question');
    return [
      icon('shield'),
      heading('consentTitle'),
      tagBlock(state.tag),
      paragraph(text('consentExplain')),
      el('p', { className: 'question', id: questionId, text: text('consentQuestion') }),
      el('div', { className: 'actions', attrs: { role: 'group', 'aria-labelledby': questionId } }, [allow, refuse]),
    ];
  }

  function viewReady(state) {
    return [
      el('div', { className: 'icon icon-spinner' }, [spinner()]),
      heading('readyTitle'),
      tagBlock(state.tag),
      paragraph(text('readyExplain')),
      leaveArea(),
    ];
  }

  function viewConnected(state) {
    var join = state.join;
    var url = join ? safeJoinUrl(join.url) : null;
    if (!join || !url) {
      return [
        el('div', { className: 'icon icon-spinner' }, [spinner()]),
        heading('connectedTitle'),
        paragraph(text('preparingMeeting'), 'lead'),
        leaveArea(),
      ];
    }
    var nodes = [icon('check', 'success'), heading('connectedTitle')];
    if (join.isTeamsMeeting) {
      nodes.push(paragraph(text('joinAsInstruction')));
      nodes.push(el('p', { className: 'join-as', text: String(join.joinAs || ''), attrs: { translate: 'no' } }));
      nodes.push(paragraph(text('joinLobbyHint')));
    } else {
      nodes.push(el('p', { className: 'banner', text: text('localRoomLabel') }));
    }
    var hintId = nextId('new-tab');
    nodes.push(
      actions([
        el('a', {
          className: 'btn btn-primary',
          text: text('joinButton'),
          attrs: { href: url, target: '_blank', rel: 'noopener noreferrer', 'aria-describedby': hintId },
        }),
      ])
    );
    nodes.push(el('p', { className: 'hint new-tab-hint', id: hintId, text: text('newTabHint') }));
    nodes.push(leaveArea());
    return nodes;
  }

  function viewClosed(state) {
    var reasonKeys = {
      denied: 'closedDenied',
      left: 'closedLeft',
      refused: 'closedRefused',
      cancelled: 'closedCancelled',
      ended: 'closedEnded',
    };
    // Only the bound browser hears why; another device learns no more than that the session is over.
    var key = state.boundToYou && Object.prototype.hasOwnProperty.call(reasonKeys, state.closedReason)
      ? reasonKeys[state.closedReason]
      : 'closedGeneric';
    var nodes = [icon('ended', 'neutral'), heading('closedTitle'), paragraph(text(key))];
    if (key !== 'closedGeneric') nodes.push(paragraph(text('closedGeneric'), 'muted'));
    return nodes;
  }

  function viewMessage(iconName, titleKey, textKey) {
    return [icon(iconName, 'neutral'), heading(titleKey), paragraph(text(textKey))];
  }

  function viewFor(state) {
    if (state.state === 'expired') return viewMessage('clock', 'expiredTitle', 'expiredText');
    if (state.state === 'closed') return viewClosed(state);
    if (state.inUse) return viewMessage('device', 'inUseTitle', 'inUseText');
    if (state.state === 'open') return state.startsLater ? viewScheduled(state) : viewWelcome(state);
    // Waiting, ready or connected in a browser the link is not bound to: that browser may see nothing more.
    if (!state.boundToYou) return viewMessage('device', 'inUseTitle', 'inUseText');
    if (state.state === 'waiting') return viewConsent(state);
    if (state.state === 'ready') return viewReady(state);
    return viewConnected(state);
  }

  function viewKey(state) {
    var join = state.join || null;
    return JSON.stringify([
      state.state, !!state.boundToYou, !!state.inUse, !!state.startsLater, state.tag, state.closedReason,
      state.scheduledFor, state.expiresAt, join && [join.url, join.isTeamsMeeting, join.joinAs, join.label],
    ]);
  }

  function show(nodes, moveFocus) {
    replaceChildren(viewElement, nodes);
    viewElement.removeAttribute('aria-busy');
    var title = viewElement.querySelector('h1');
    if (title) {
      document.title = title.textContent + ' – ' + headingBase;
      // After a change the old content (and the focused button) is gone: take the reader to the new heading.
      if (moveFocus) title.focus();
    }
  }

  function applyState(state) {
    if (!isState(state)) return;
    if (boot.page === 'room') {
      // The room only exists while connected; anything else is explained by the portal itself.
      if (state.state !== 'connected' || !state.boundToYou) {
        stopLiveUpdates();
        window.location.replace(BASE);
      }
      return;
    }
    var key = viewKey(state);
    if (key !== currentViewKey) {
      var first = currentViewKey === null;
      currentViewKey = key;
      if (!keepErrorOnNextRender) showError('');
      show(viewFor(state), !first);
    }
    if (isTerminal(state)) stopLiveUpdates();
    else watchStartTime(state);
  }

  function showLoadProblem(problem) {
    var code = problem && problem.code;
    if (code === 'REQUEST.NOT_FOUND') {
      show(viewMessage('info', 'notFoundTitle', 'notFoundText'), currentViewKey !== null);
      return;
    }
    if (code === 'LINK.EXPIRED' || code === 'REQUEST.EXPIRED') {
      show(viewMessage('clock', 'expiredTitle', 'expiredText'), currentViewKey !== null);
      return;
    }
    if (code === 'LINK.IN_USE') {
      show(viewMessage('device', 'inUseTitle', 'inUseText'), currentViewKey !== null);
      return;
    }
    var retry = el('button', { className: 'btn btn-primary', text: text('tryAgain'), attrs: { type: 'button' } });
    retry.addEventListener('click', function () {
      setBusy(viewElement, retry, true);
      start();
    });
    var message = problem && problem.kind === 'network' ? text('errorNetwork') : errorText(code);
    show([icon('info', 'neutral'), heading('errorTitle'), paragraph(message), actions([retry])], currentViewKey !== null);
  }

  // ---------- start ----------

  function start() {
    if (isState(boot.state)) {
      var embedded = boot.state;
      boot.state = null;
      applyState(embedded);
      startLiveUpdates();
      return;
    }
    refresh().then(startLiveUpdates, showLoadProblem);
  }

  function startRoom() {
    var area = document.getElementById('leave-area');
    if (area) {
      replaceChildren(area, [leaveArea(function (left) {
        if (left) window.location.replace(BASE);
      })]);
    }
    viewElement = area || viewElement;
    start();
  }

  document.addEventListener('visibilitychange', function () {
    // Phones freeze background tabs and drop the stream; look again as soon as the customer comes back.
    if (document.visibilityState === 'visible' && !stopped) refresh().catch(function () {});
  });

  if (boot.page === 'room') startRoom();
  else if (viewElement) start();
})();
