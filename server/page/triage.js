// The triage page (server/page/README.md): plain JavaScript, no library.
// CPE_SERVER (set above this file) is "" when cpe serve serves the page, or
// the server's address in a page written by `cpe page --server URL`.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var TOKEN_KEY = 'cpe-token';
  var policies = [];
  var form = null;        // the policy's form description (GET /v1/policies/{id}/form)
  var lastDecision = null;
  var pending = 0;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'hidden') e.hidden = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  function api(path, options) {
    options = options || {};
    var headers = options.headers || {};
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = 'Bearer ' + token;
    options.headers = headers;
    return fetch(CPE_SERVER + path, options).then(function (res) {
      return res.text().then(function (text) {
        var body = null;
        try { body = JSON.parse(text); } catch (e) { body = null; }
        if (res.status === 401) askForToken(token ? 'The server did not accept this token. Enter it again.' : '');
        return { status: res.status, body: body, id: res.headers.get('X-Decision-Id') };
      });
    }).catch(function () {
      showErrors([{ text: 'The server could not be reached. Check the connection and try again.', target: null }]);
      return { status: 0, body: null };
    });
  }

  // ---------------------------------------------------------------- errors
  function showErrors(errors) {
    var list = $('error-list');
    list.textContent = '';
    errors.forEach(function (e) {
      var a = el('a', { href: '#' + (e.target || 'main'), text: e.text });
      a.addEventListener('click', function (ev) {
        ev.preventDefault();
        var t = e.target && $(e.target);
        if (t) t.focus();
      });
      list.appendChild(el('li', {}, [a]));
    });
    $('error-summary').hidden = errors.length === 0;
    if (errors.length) $('error-summary').focus();
  }

  function clearFieldErrors() {
    document.querySelectorAll('.field.has-error').forEach(function (f) { f.classList.remove('has-error'); });
    document.querySelectorAll('.error-message').forEach(function (m) { m.hidden = true; m.textContent = ''; });
  }

  function fieldError(name, message) {
    var field = $('field-' + name), msg = $('error-' + name);
    if (!field || !msg) return null;
    field.classList.add('has-error');
    msg.textContent = 'Error: ' + message;
    msg.hidden = false;
    return firstInput(name);
  }

  function firstInput(name) {
    var f = $('field-' + name);
    var i = f && f.querySelector('input, select');
    return i ? i.id : null;
  }

  // ---------------------------------------------------------------- token
  function askForToken(message) {
    $('token').hidden = false;
    $('find').hidden = true;
    $('policy').hidden = true;
    if (message) showErrors([{ text: message, target: 'token-input' }]);
    $('token-input').focus();
  }

  $('token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var t = $('token-input').value.trim();
    if (!t) { showErrors([{ text: 'Enter the access token', target: 'token-input' }]); return; }
    sessionStorage.setItem(TOKEN_KEY, t);
    $('token-input').value = '';
    $('token').hidden = true;
    showErrors([]);
    start();
  });

  // ---------------------------------------------------------------- finding a policy
  function renderResults() {
    var q = $('find-input').value.trim().toLowerCase();
    var list = $('find-results');
    list.textContent = '';
    var shown = policies.filter(function (p) {
      return !q || p.id.toLowerCase().indexOf(q) >= 0 || p.title.toLowerCase().indexOf(q) >= 0;
    });
    shown.forEach(function (p) {
      var a = el('a', { href: '#policy=' + encodeURIComponent(p.id) }, [p.title, el('span', { 'class': 'pid', text: p.id + ' · version ' + p.version })]);
      list.appendChild(el('li', {}, [a]));
    });
    $('find-count').textContent = shown.length === 1 ? '1 policy matches' : shown.length + ' policies match';
  }

  $('find-input').addEventListener('input', renderResults);

  function start() {
    api('/v1/policies').then(function (r) {
      if (r.status !== 200 || !r.body) return;
      policies = r.body.policies.filter(function (p) { return p.in_force; });
      $('find').hidden = false;
      route();
    });
  }

  function route() {
    var m = /^#policy=(.+)$/.exec(location.hash);
    if (m) openPolicy(decodeURIComponent(m[1]));
    else {
      $('policy').hidden = true;
      $('find').hidden = false;
      document.title = 'Check a referral against a policy';
      renderResults();
    }
  }
  window.addEventListener('hashchange', route);
  $('another').addEventListener('click', function (ev) {
    ev.preventDefault();
    location.hash = '';
    $('find-input').focus();
  });

  // ---------------------------------------------------------------- the form
  function hintFor(f) {
    var parts = [];
    if (f.type === 'integer' || f.type === 'decimal') {
      if (f.min !== undefined && f.max !== undefined) parts.push((f.type === 'integer' ? 'A whole number from ' : 'A number from ') + f.min + ' to ' + f.max + (f.unit ? ' ' + f.unit : ''));
      else parts.push(f.type === 'integer' ? 'A whole number' : 'A number');
    }
    if (f.type === 'date') parts.push('For example 2026-03-27');
    if (f.type === 'list') parts.push(f.codes === 'text' ? 'Separate the items with commas' : 'Codes separated by commas, for example ' + (f.codes === 'icd10' ? 'J03.9, J35.0' : 'F341, F342'));
    if (f.decides) parts.push('What decides it: ' + f.decides);
    return parts.join('. ') + (parts.length ? '.' : '');
  }

  function choiceField(f, values, labels) {
    var name = f.name;
    var fs = el('fieldset', { 'class': 'field', id: 'field-' + name, 'aria-describedby': 'hint-' + name + ' error-' + name });
    fs.appendChild(el('legend', { text: f.description || name }));
    fs.appendChild(el('span', { 'class': 'hint', id: 'hint-' + name, text: hintFor(f) }));
    fs.appendChild(el('span', { 'class': 'error-message', id: 'error-' + name, hidden: true }));
    var box = el('div', { 'class': 'radios' });
    [''].concat(values).forEach(function (v, i) {
      var id = 'input-' + name + '-' + i;
      var input = el('input', { type: 'radio', name: name, id: id, value: v });
      if (v === '') input.checked = true;
      box.appendChild(el('label', { 'for': id }, [input, i === 0 ? 'Not known' : labels[i - 1]]));
    });
    fs.appendChild(box);
    return fs;
  }

  function buildField(f) {
    var name = f.name;
    if (f.type === 'boolean') return choiceField(f, ['true', 'false'], ['Yes', 'No']);
    if ((f.type === 'enum' || f.type === 'levels') && f.values.length <= 6) return choiceField(f, f.values, f.values);
    var div = el('div', { 'class': 'field', id: 'field-' + name });
    div.appendChild(el('label', { 'for': 'input-' + name, text: f.description || name }));
    div.appendChild(el('span', { 'class': 'hint', id: 'hint-' + name, text: hintFor(f) }));
    div.appendChild(el('span', { 'class': 'error-message', id: 'error-' + name, hidden: true }));
    var described = 'hint-' + name + ' error-' + name;
    if (f.type === 'enum' || f.type === 'levels') {
      var sel = el('select', { id: 'input-' + name, name: name, 'aria-describedby': described }, [el('option', { value: '', text: 'Not known' })]);
      f.values.forEach(function (v) { sel.appendChild(el('option', { value: v, text: v })); });
      div.appendChild(sel);
      return div;
    }
    var attrs = { id: 'input-' + name, name: name, 'aria-describedby': described, autocomplete: 'off' };
    if (f.type === 'date') attrs.type = 'date';
    else attrs.type = 'text';
    if (f.type === 'integer') attrs.inputmode = 'numeric';
    if (f.type === 'decimal') attrs.inputmode = 'decimal';
    attrs['class'] = f.type === 'integer' || f.type === 'decimal' || f.type === 'date' ? 'width-10' : 'wide';
    div.appendChild(el('input', attrs));
    if (f.unit) div.appendChild(el('span', { 'class': 'suffix', text: f.unit }));
    return div;
  }

  function openPolicy(id) {
    api('/v1/policies/' + encodeURIComponent(id) + '/form').then(function (r) {
      if (r.status !== 200 || !r.body) {
        if (r.status === 404) showErrors([{ text: 'There is no policy "' + id + '". Find it by its title.', target: 'find-input' }]);
        return;
      }
      form = r.body;
      lastDecision = null;
      showErrors([]);
      $('find').hidden = true;
      $('policy').hidden = false;
      $('policy-title').textContent = form.title;
      document.title = form.title + ' — check a referral';
      $('policy-meta').textContent = form.id + ' · version ' + form.version + ' · in force from ' + form.effective;
      $('doc-link').href = CPE_SERVER + '/doc/' + encodeURIComponent(form.id) + '.html';
      var fields = $('fields');
      fields.textContent = '';
      form.facts.forEach(function (f) { fields.appendChild(buildField(f)); });
      $('decision').textContent = '';
      showAll = false;
      $('policy-title').setAttribute('tabindex', '-1');
      $('policy-title').focus();
      decide();
    });
  }

  function answerOf(f) {
    var name = f.name;
    if (f.type === 'boolean' || ((f.type === 'enum' || f.type === 'levels') && f.values.length <= 6)) {
      var checked = document.querySelector('input[name="' + name + '"]:checked');
      var v = checked ? checked.value : '';
      if (v === '') return undefined;
      if (f.type === 'boolean') return v === 'true';
      return v;
    }
    var input = $('input-' + name);
    var text = input ? input.value.trim() : '';
    if (text === '') return undefined;
    if (f.type === 'integer' || f.type === 'decimal') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    if (f.type === 'list') return text.split(/[,\s]+/).filter(function (s) { return s; });
    return text;
  }

  function answerInWords(f, v) {
    if (v === undefined) return 'Not known';
    if (v === true) return 'Yes';
    if (v === false) return 'No';
    if (Array.isArray(v)) return v.join(', ');
    return String(v) + (f.unit && typeof v === 'number' ? ' ' + f.unit : '');
  }

  function decide() {
    if (!form) return;
    var facts = {};
    form.facts.forEach(function (f) { var v = answerOf(f); if (v !== undefined) facts[f.name] = v; });
    var body = { policy: form.id, facts: facts };
    var asOf = $('input-as_of').value;
    if (asOf) body.as_of = asOf;
    var mine = ++pending;
    api('/v1/decisions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(function (r) {
      if (mine !== pending) return;  // a later answer is on its way
      clearFieldErrors();
      if (r.status === 200 && r.body) {
        showErrors([]);
        lastDecision = r.body;
        renderDecision(r.body, facts);
        return;
      }
      if (r.body && r.body.error) {
        var e = r.body.error;
        var name = (e.field || '').replace(/^facts\./, '');
        var target = fieldError(name, e.message);
        showErrors([{ text: e.message, target: target }]);
        // No decision was made on these answers: the last one is not shown as if it were.
        $('decision').textContent = '';
        $('decision').appendChild(el('p', { 'class': 'meta', text: 'No decision was made: correct the answer marked in red.' }));
      }
    });
  }

  var OUTCOME_WORDS = { eligible: 'Criteria met', not_eligible: 'Criteria not met', review: 'Needs professional review', undetermined: 'Not decided yet' };
  var ROUTE_WORDS = { none: 'none', prior_approval: 'prior approval', ifr: 'Individual Funding Request', panel: 'review panel', fast_track: 'Fast Track' };
  var MARKS = { 'true': 'Met', 'false': 'Not met', 'null': 'Not known' };

  function reasonItem(r) {
    var values = (r.values || []).filter(function (v) { return v.value !== null; })
      .map(function (v) { return labelOf(v.fact) + ': ' + v.text; }).join('; ');
    return el('li', {}, [el('span', { 'class': 'mark', text: MARKS[String(r.result)] + ': ' }), r.text,
      values ? el('span', { 'class': 'values', text: 'Answers used — ' + values }) : null]);
  }

  function labelOf(name) {
    var f = form.facts.filter(function (x) { return x.name === name; })[0];
    return f && f.description ? f.description : name;
  }

  function renderDecision(d, facts) {
    var box = $('decision');
    box.textContent = '';
    var panel = el('div', { 'class': 'outcome ' + d.outcome });
    panel.appendChild(el('h2', { id: 'outcome-title', text: OUTCOME_WORDS[d.outcome] || d.outcome }));
    if (d.outcome !== 'undetermined') panel.appendChild(el('p', { 'class': 'meta', text: 'Outcome: ' + d.outcome.replace('_', ' ') + ' · route: ' + ROUTE_WORDS[d.route] }));
    panel.appendChild(el('p', { 'class': 'next-step', id: 'next-step' }, ['Next step: ' + d.next_step]));
    if (d.decision_id) panel.appendChild(el('p', { 'class': 'meta', text: 'Decision id ' + d.decision_id + ' · as of ' + d.as_of }));
    box.appendChild(panel);
    if (d.questions && d.questions.length) {
      box.appendChild(el('h3', { text: 'Still needed to decide' }));
      var ol = el('ol', { 'class': 'questions', id: 'questions' });
      d.questions.forEach(function (q) {
        var a = el('a', { href: '#' + (firstInput(q.name) || 'main'), text: q.description || q.name });
        a.addEventListener('click', function (ev) { ev.preventDefault(); var t = firstInput(q.name); if (t) $(t).focus(); });
        var extra = [q.unit, q.decides].filter(function (s) { return s; }).join(' — ');
        ol.appendChild(el('li', {}, [a, extra ? ' — ' + extra : '']));
      });
      box.appendChild(ol);
    }
    // While undetermined the unknown criteria are the questions above; the
    // reasons shown are those already met or not met.
    var shown = d.reasons.filter(function (r) { return d.outcome !== 'undetermined' || r.result !== null; });
    if (shown.length) {
      box.appendChild(el('h3', { text: d.outcome === 'undetermined' ? 'So far' : 'Because' }));
      var ul = el('ul', { 'class': 'reasons', id: 'reasons' });
      shown.forEach(function (r) { ul.appendChild(reasonItem(r)); });
      box.appendChild(ul);
    }
    foldAnswers(d);
    renderPrint(d, facts);
  }

  // Once decided, the questions nobody answered fold away (one button shows
  // them again); while undetermined every question is shown.
  var showAll = false;
  function foldAnswers(d) {
    var decided = d.outcome !== 'undetermined' && !showAll;
    var folded = 0, answered = 0;
    form.facts.forEach(function (f) {
      var field = $('field-' + f.name);
      var known = answerOf(f) !== undefined;
      if (known) answered++;
      var fold = decided && !known && !field.contains(document.activeElement);
      field.hidden = fold;
      if (fold) folded++;
    });
    $('show-all').hidden = folded === 0;
    $('show-all').textContent = 'Show the ' + folded + (folded === 1 ? ' question' : ' questions') + ' not needed for this decision';
    $('answers-summary').textContent = decided ? 'Your answers (' + answered + ' given)' : 'Questions (' + form.facts.length + ')';
  }
  $('show-all').addEventListener('click', function () {
    showAll = true;
    if (lastDecision) foldAnswers(lastDecision);
    var first = form.facts.filter(function (f) { return answerOf(f) === undefined; })[0];
    if (first && firstInput(first.name)) $(firstInput(first.name)).focus();
  });

  function renderPrint(d, facts) {
    var p = $('print-summary');
    p.textContent = '';
    p.appendChild(el('h3', { text: 'Referral check summary' }));
    var dl = el('dl', { 'class': 'facts' });
    [['Policy', form.title + ' (' + d.policy + ')'], ['Version', d.policy_version], ['As of', d.as_of],
     ['Decision id', d.decision_id || 'none'], ['Decision', (OUTCOME_WORDS[d.outcome] || d.outcome) + ' (' + d.outcome + ', route ' + d.route + ')'],
     ['Next step', d.next_step]].forEach(function (row) {
      dl.appendChild(el('dt', { text: row[0] }));
      dl.appendChild(el('dd', { text: row[1] }));
    });
    p.appendChild(dl);
    p.appendChild(el('h3', { text: 'Answers given' }));
    var table = el('table', {}, [el('thead', {}, [el('tr', {}, [el('th', { text: 'Question' }), el('th', { text: 'Answer' })])])]);
    var tbody = el('tbody');
    form.facts.forEach(function (f) {
      if (!(f.name in facts)) return;
      tbody.appendChild(el('tr', {}, [el('td', { text: f.description || f.name }), el('td', { text: answerInWords(f, facts[f.name]) })]));
    });
    table.appendChild(tbody);
    p.appendChild(table);
    if (d.reasons.length) {
      p.appendChild(el('h3', { text: 'Reasons' }));
      var ul = el('ul');
      d.reasons.forEach(function (r) { ul.appendChild(reasonItem(r)); });
      p.appendChild(ul);
    }
  }

  $('facts-form').addEventListener('change', decide);
  $('facts-form').addEventListener('submit', function (ev) { ev.preventDefault(); decide(); });
  $('print').addEventListener('click', function () { window.print(); });

  start();
})();
