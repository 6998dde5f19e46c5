// Demo shop helpers shared by every page: the header (links and "browsing as" line), deterministic demo
// user ids, and a flash message. Tracking calls themselves are written inline in each page, as a
// site would. Only textContent is used for anything shown.
(function () {
  /** The demo's "database id" for an email: the same on every device, like a real account id. */
  function userIdFor(email) {
    var hash = 2166136261;
    var text = String(email).trim().toLowerCase();
    for (var i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    return 'user-' + hash.toString(16).padStart(8, '0');
  }

  var LINKS = [['/demo/', 'Products'], ['/demo/signup.html', 'Sign up'], ['/demo/login.html', 'Log in'],
    ['/demo/logout.html', 'Log out'], ['/inspector/', 'Inspector']];

  /** Fills `<header data-nav>` with the shop name, the page links and the "browsing as" slot. */
  function renderHeader() {
    var header = document.querySelector('[data-nav]');
    if (!header) return;
    var name = document.createElement('strong');
    name.textContent = 'Demo shop';
    header.appendChild(name);
    LINKS.forEach(function (link) {
      var a = document.createElement('a');
      a.href = link[0];
      a.textContent = link[1];
      if (link[0] === '/inspector/') a.target = '_blank';
      header.appendChild(a);
    });
    var who = document.createElement('span');
    who.className = 'who';
    who.setAttribute('data-who', '');
    header.appendChild(who);
  }

  function showWho() {
    var who = document.querySelector('[data-who]');
    if (!who || !window.analytics || typeof analytics.ready !== 'function') return;
    analytics.ready(function () {
      var user = analytics.user();
      var id = user.id();
      who.textContent = id ? 'signed in as ' + id : 'browsing anonymously (' + user.anonymousId() + ')';
    });
  }

  function flash(text) {
    var note = document.querySelector('[data-flash]');
    if (note) {
      note.textContent = text;
      note.hidden = false;
    }
  }

  window.demo = { userIdFor: userIdFor, flash: flash, showWho: showWho };
  document.addEventListener('DOMContentLoaded', function () {
    renderHeader();
    showWho();
  });
})();
