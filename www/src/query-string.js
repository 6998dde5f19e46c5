// analytics.js's query-string API: a page opened with `?ajs_aid=A&ajs_uid=U&ajs_trait_email=e&ajs_event=E&ajs_prop_p=1`
// sets the anonymousId, identifies U with {email: 'e'} and tracks E with {p: '1'}, right after the setup calls
// a page buffered (setAnonymousId, on, addSourceMiddleware…) and before its other calls. load.js reads the
// query when loading starts and imports this module only when it holds `ajs_`. Init option
// `useQueryString: false` turns it off; `{aid: RegExp, uid: RegExp}` accepts only matching ids.

/** Makes the calls the query `term` asks for on `analytics` (`?…`; a hash without `?` holds no query). Never throws. */
export default function runQueryString(analytics, term) {
  const option = analytics.settings.useQueryString;
  if (option === false) return;
  try {
    const params = {};
    for (const pair of term.split('#')[0].slice(1).split('&')) {
      const [key, value] = pair.split('=');
      params[key] = decode(value);
    }
    const { aid = /.+/, uid = /.+/ } = Object(option);
    if (params.ajs_aid && aid.test(params.ajs_aid)) analytics.setAnonymousId(params.ajs_aid);
    if (params.ajs_uid && uid.test(params.ajs_uid)) analytics.identify(params.ajs_uid, prefixed(params, 'ajs_trait_'));
    if (params.ajs_event) analytics.track(params.ajs_event, prefixed(params, 'ajs_prop_'));
  } catch (e) { /* a pattern that is not a RegExp: no query-string calls, as in analytics.js */ }
}

/** `+` is a space; a malformed escape leaves the value as it was. */
function decode(value) {
  try { return decodeURIComponent(value.replace(/\+/g, ' ')); } catch (e) { return value; }
}

/** The parameters starting with `prefix`, without it. */
function prefixed(params, prefix) {
  const picked = {};
  for (const key in params) if (key.startsWith(prefix)) picked[key.slice(prefix.length)] = params[key];
  return picked;
}
