// The page as it is at call time, in the shape of the snippet's buffered page context `{c, p, u, s, t, r}`
// (canonical href, path, url, search, title, referrer), and `context.page` built from it with analytics.js's
// canonical-URL rule (the core receives `context.page` ready; it only checks the text).

export function pageSnapshot() {
  return { c: canonicalHref(), p: location.pathname, u: location.href, s: location.search, t: document.title, r: document.referrer };
}

/** The canonical link's href; null (no link, no href) or '' read as no canonical link, as the snippet's `c`. */
function canonicalHref() {
  const link = document.querySelector("link[rel='canonical']");
  return link && link.getAttribute('href');
}

/** `context.page` as JSON text from a snapshot `{c, p, u, s, t, r}`, as analytics-next's createPageContext:
 * with a canonical link, `path` is its URL's pathname (a value that is not an absolute URL is a raw path, given
 * a leading `/`) and `url` is the link plus `search` unless it holds a `?`; without one, `path` is the pathname
 * and `url` the address without its `#fragment`. A field that is not a string (a tampered saved call) is ''. */
function contextPage(snapshot) {
  const text = (key) => (typeof snapshot[key] == 'string' ? snapshot[key] : '');
  const canonical = text('c');
  const search = text('s');
  let path = text('p');
  let url = text('u').split('#')[0];
  if (canonical) {
    try { path = new URL(canonical).pathname; } catch (e) { path = canonical[0] == '/' ? canonical : '/' + canonical; }
    url = canonical.includes('?') ? canonical : canonical + search;
  }
  return JSON.stringify({ path, referrer: text('r'), search, title: text('t'), url });
}

let lastUrl;
let lastTitle;
let lastCanonical;
let lastJson;

/** `context.page` JSON of `snapshot` (the snippet's buffered page context), or of the page now. The live page
 * reads three values per call and rebuilds the text only when one changed: path and search are parts of the
 * url and the referrer is fixed for the document. `document.URL` is the same string as `location.href`
 * (pushState and hash changes included) at a tenth of the cost. */
export function pageJson(snapshot) {
  if (snapshot) return contextPage(snapshot);
  const url = document.URL;
  const title = document.title;
  const canonical = canonicalHref();
  if (url !== lastUrl || title !== lastTitle || canonical !== lastCanonical) {
    lastUrl = url;
    lastTitle = title;
    lastCanonical = canonical;
    lastJson = contextPage(pageSnapshot());
  }
  return lastJson;
}

/** Facts about the browser that do not change during a page's life, sent once to the core. */
export function browserFacts() {
  // Each undefined where reading it throws.
  let timezone;
  try { timezone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { /* unknown */ }
  let userAgentData;
  try { userAgentData = navigator.userAgentData && navigator.userAgentData.toJSON(); } catch (e) { /* unknown */ }
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
