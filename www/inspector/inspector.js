// Collector inspector: events arriving live (server-sent events from /api/stream) and the profiles
// (identity graph) they form, from the collector's read API. Everything that comes from event data is
// rendered with textContent / createElement only — never as HTML.
(function () {
  'use strict';
  var MAX_EVENTS = 200;
  var eventsList = document.getElementById('events');
  var profilesList = document.getElementById('profiles');
  var detail = document.getElementById('detail');
  var status = document.getElementById('status');
  var seen = {};
  var selectedProfile = null;
  var refreshTimer = null;

  /** Creates an element with optional class and text. */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function getJson(path) {
    return fetch(path, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error(path + ' → ' + r.status);
      return r.json();
    });
  }

  /** A one-line summary of an event: its name, page name or the ids it links. */
  function summary(e) {
    switch (e.type) {
      case 'track': return e.event;
      case 'page': case 'screen': return e.name || (e.properties && e.properties.path) || '';
      case 'identify': return Object.keys(e.traits || {}).join(', ');
      case 'group': return e.groupId;
      case 'alias': return e.previousId + ' → ' + e.userId;
      default: return '';
    }
  }

  function eventRow(e, fresh) {
    var li = el('li', 'row' + (fresh ? ' fresh' : ''));
    li.dataset.messageId = e.messageId;
    li.appendChild(el('span', 'type type-' + e.type, e.type));
    li.appendChild(el('span', 'summary', summary(e)));
    li.appendChild(el('div', 'ids' + (e.userId ? '' : ' anon'), e.userId ? 'user ' + e.userId : 'anonymous ' + e.anonymousId));
    li.appendChild(el('div', 'time', e.receivedAt));
    li.addEventListener('click', function () { showEvent(e); });
    return li;
  }

  function addEvent(e, fresh, atTop) {
    if (!e || !e.messageId || seen[e.messageId]) return;
    seen[e.messageId] = true;
    var row = eventRow(e, fresh);
    if (atTop) eventsList.insertBefore(row, eventsList.firstChild); else eventsList.appendChild(row);
    while (eventsList.children.length > MAX_EVENTS) eventsList.removeChild(eventsList.lastChild);
    document.getElementById('event-count').textContent = '(' + eventsList.children.length + ' shown)';
  }

  function showEvent(e) {
    detail.replaceChildren(el('h3', null, e.type + ' ' + summary(e)), el('pre', null, JSON.stringify(e, null, 2)));
  }

  function chip(text, isUser) {
    return el('span', 'id-chip' + (isUser ? ' user' : ''), text);
  }

  function profileRow(p) {
    var li = el('li', 'row');
    li.dataset.profileId = p.profileId;
    var name = (p.traits && (p.traits.name || p.traits.email)) || (p.userIds.length ? p.userIds[0] : 'anonymous visitor');
    li.appendChild(el('strong', null, '#' + p.profileId + ' ' + name));
    var ids = el('div', 'ids');
    p.userIds.forEach(function (id) { ids.appendChild(chip(id, true)); });
    p.anonymousIds.forEach(function (id) { ids.appendChild(chip(id, false)); });
    li.appendChild(ids);
    li.addEventListener('click', function () { showProfile(p.profileId); });
    return li;
  }

  function refreshProfiles() {
    return getJson('/api/profiles?limit=200').then(function (body) {
      profilesList.replaceChildren.apply(profilesList, body.profiles.map(profileRow));
      document.getElementById('profile-count').textContent = '(' + body.profiles.length + ')';
      if (selectedProfile !== null) return showProfile(selectedProfile);
    }).catch(function (err) { status.textContent = String(err); });
  }

  function scheduleProfileRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refreshProfiles, 150);
  }

  function identityList(p) {
    var ul = el('ul');
    p.identities.forEach(function (i) {
      var li = el('li');
      li.appendChild(chip(i.id, i.type === 'userId'));
      li.appendChild(el('span', 'time', i.type + ', linked ' + i.linkedAt));
      ul.appendChild(li);
    });
    return ul;
  }

  function timelineList(events) {
    var ol = el('ol');
    events.forEach(function (e) {
      var row = eventRow(e, false);
      ol.appendChild(row);
    });
    return ol;
  }

  function showProfile(id) {
    selectedProfile = id;
    return getJson('/api/profiles/' + encodeURIComponent(id)).then(function (p) {
      var anonymous = p.timeline.filter(function (e) { return !e.userId; }).length;
      detail.replaceChildren(
        el('h3', null, 'Profile #' + p.profileId),
        el('h3', null, 'Ids'), identityList(p),
        el('h3', null, 'Traits'), el('pre', 'traits', JSON.stringify(p.traits, null, 2)),
        el('h3', null, 'Timeline: ' + p.timeline.length + ' events, ' + anonymous + ' before identification / anonymous'),
        timelineList(p.timeline)
      );
      detail.dataset.profileId = p.profileId;
    }).catch(function (err) { detail.replaceChildren(el('p', 'hint', String(err))); });
  }

  function connect() {
    var source = new EventSource('/api/stream');
    source.addEventListener('open', function () { status.textContent = 'live'; status.className = 'status live'; });
    source.addEventListener('error', function () { status.textContent = 'reconnecting…'; status.className = 'status'; });
    source.addEventListener('event', function (message) {
      var frame = JSON.parse(message.data);
      addEvent(frame.event, true, true);
      if (selectedProfile !== null) scheduleProfileRefresh();
    });
    source.addEventListener('profile', scheduleProfileRefresh);
  }

  getJson('/api/events?limit=' + MAX_EVENTS).then(function (body) {
    body.events.forEach(function (e) { addEvent(e, false, false); });
  }).catch(function (err) { status.textContent = String(err); });
  refreshProfiles();
  connect();
})();
