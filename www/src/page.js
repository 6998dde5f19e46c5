// Reads the page as it is at call time, in the shape of the snippet's buffered page context
// `{c, p, u, s, t, r}` (canonical href, path, url, search, title, referrer); the core turns it into
// `context.page` with analytics.js's canonical-URL rule.

export function pageSnapshot() {
  const canonical = document.querySelector("link[rel='canonical']");
  return {
    c: (canonical && canonical.getAttribute('href')) || undefined,
    p: location.pathname,
    u: location.href,
    s: location.search,
    t: document.title,
    r: document.referrer,
  };
}

/** Facts about the browser that do not change during a page's life, sent once to the core. */
export function browserFacts() {
  let timezone;
  try { timezone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { timezone = undefined; }
  let userAgentData;
  try { userAgentData = navigator.userAgentData && navigator.userAgentData.toJSON(); } catch (e) { userAgentData = undefined; }
  return {
    userAgent: navigator.userAgent,
    userAgentData,
    locale: navigator.language || navigator.userLanguage,
    timezone,
  };
}
