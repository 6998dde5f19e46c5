// Reads the page as it is at call time, in the shape of the snippet's buffered page context
// `{c, p, u, s, t, r}` (canonical href, path, url, search, title, referrer); the core turns it into
// `context.page` with analytics.js's canonical-URL rule.

export function pageSnapshot() {
  return { c: canonicalHref(), p: location.pathname, u: location.href, s: location.search, t: document.title, r: document.referrer };
}

function canonicalHref() {
  const link = document.querySelector("link[rel='canonical']");
  return (link && link.getAttribute('href')) || undefined;
}

let lastUrl;
let lastTitle;
let lastCanonical;
let lastJson;

/** pageSnapshot() as JSON text. Reads three values per call and rebuilds the text only when one changed:
 * path and search are parts of the url and the referrer is fixed for the document. `document.URL` is the
 * same string as `location.href` (pushState and hash changes included) at a tenth of the cost. */
export function pageJson() {
  const url = document.URL;
  const title = document.title;
  const canonical = canonicalHref();
  if (url !== lastUrl || title !== lastTitle || canonical !== lastCanonical) {
    lastUrl = url;
    lastTitle = title;
    lastCanonical = canonical;
    lastJson = JSON.stringify(pageSnapshot());
  }
  return lastJson;
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
    // Privacy signals (the core's consent rules decide what they mean).
    gpc: navigator.globalPrivacyControl === true,
    dnt: navigator.doNotTrack === '1',
  };
}
