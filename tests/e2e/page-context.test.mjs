// `context.page` from a page snapshot `{c, p, u, s, t, r}` (www/src/page.js `pageJson`): analytics.js's
// canonical-URL and #fragment rules, checked row by row against the expected text AND against analytics-next's
// own createPageContext (@segment/analytics-page-tools), plus hostile snapshots (a tampered saved call, lone
// surrogates, huge values) that must still give a flat object of five strings. The core only checks the text
// (src/core/event/page_context.rs); the live page and the snippet's buffered pages are covered end to end in
// events.test.mjs and payload-compat.test.mjs.
// Environment: Node's test runner only (node's URL is the WHATWG parser browsers use); no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPageContext } from '@segment/analytics-page-tools';
import { pageJson } from '../../www/src/page.js';

const snapshot = (u, c, p, s) => ({ __t: 'bpc', c, p, u, s, t: 'T', r: 'https://ref.example/', d: 1 });
const expected = (path, search, url) => ({ path, referrer: 'https://ref.example/', search, title: 'T', url });

test('context.page follows the canonical-link and #fragment rules, exactly as analytics-next', () => {
  const rows = [
    [snapshot('https://a.com/x?q=1#frag', undefined, '/x', '?q=1'), expected('/x', '?q=1', 'https://a.com/x?q=1')],
    [snapshot('https://a.com/x', undefined, '/x', ''), expected('/x', '', 'https://a.com/x')],
    [snapshot('https://a.com/x#a#b', '', '/x', ''), expected('/x', '', 'https://a.com/x')],
    // checklist 42
    [snapshot('https://a.com/x?q=1', 'https://ex.com/c', '/x', '?q=1'), expected('/c', '?q=1', 'https://ex.com/c?q=1')],
    [snapshot('https://a.com/x?q=1', 'https://ex.com/c?k=2', '/x', '?q=1'), expected('/c', '?q=1', 'https://ex.com/c?k=2')],
    [snapshot('https://a.com/', 'https://ex.com', '/', ''), expected('/', '', 'https://ex.com')],
    [snapshot('https://a.com/', 'https://ex.com/a b/é', '/', ''), expected('/a%20b/%C3%A9', '', 'https://ex.com/a b/é')],
    [snapshot('https://a.com/', 'https://ex.com/c#h', '/', '?s'), expected('/c', '?s', 'https://ex.com/c#h?s')],
    [snapshot('https://a.com/', '/rel/path', '/', '?s'), expected('/rel/path', '?s', '/rel/path?s')],
    [snapshot('https://a.com/', 'rel', '/', ''), expected('/rel', '', 'rel')],
    [snapshot('https://a.com/', 'http://', '/', ''), expected('/http://', '', 'http://')],
    [snapshot('https://a.com/', 'mailto:x@y', '/', ''), expected('x@y', '', 'mailto:x@y')],
    [snapshot('https://a.com/', '1http://x/y', '/', ''), expected('/1http://x/y', '', '1http://x/y')],
    // What the URL parser does that a hand-written path reader would not: dot segments, backslashes, case.
    [snapshot('https://a.com/', 'HTTPS://EX.com/a/../b\\c', '/', ''), expected('/b/c', '', 'HTTPS://EX.com/a/../b\\c')],
    [snapshot('https://a.com/p?a=%zz&b=?c', 'https://ex.com/%zz', '/p', '?a=%zz&b=?c'), expected('/%zz', '?a=%zz&b=?c', 'https://ex.com/%zz?a=%zz&b=?c')],
  ];
  for (const [given, want] of rows) {
    assert.deepEqual(JSON.parse(pageJson(given)), want, JSON.stringify(given));
    const { __t, d, ...bpc } = given;
    assert.equal(pageJson(given), JSON.stringify(createPageContext(bpc)), `as analytics-next: ${JSON.stringify(given)}`);
  }
});

test('a hostile snapshot still gives a flat object of the five strings, and never throws', () => {
  const huge = '?' + 'a=1&'.repeat(50_000);
  const rows = [
    // A tampered saved call (localStorage): fields that are not strings count as ''.
    [{ __t: 'bpc', c: 5, p: null, u: ['x'], s: {}, t: 7, r: false }, { path: '', referrer: '', search: '', title: '', url: '' }],
    [{ __t: 'bpc' }, { path: '', referrer: '', search: '', title: '', url: '' }],
    [JSON.parse('{"__t":"bpc","__proto__":{"p":"/evil"},"u":"https://a.com/"}'), { path: '', referrer: '', search: '', title: '', url: 'https://a.com/' }],
    [{ ...snapshot('https://a.com/x', '%', '/x', ''), t: '\ud83d' }, { ...expected('/%', '', '%'), title: '\ud83d' }],
    [snapshot(`https://a.com/x${huge}#f`, undefined, '/x', huge), expected('/x', huge, `https://a.com/x${huge}`)],
    [snapshot('https://a.com/"<\\>\n', '"</script>', '/', ''), expected('/"</script>', '', '"</script>')],
  ];
  for (const [given, want] of rows) {
    const text = pageJson(given);
    const page = JSON.parse(text);
    assert.deepEqual(Object.keys(page), ['path', 'referrer', 'search', 'title', 'url']);
    const shown = JSON.stringify(given).slice(0, 120);
    for (const key in page) assert.equal(typeof page[key], 'string', shown);
    assert.deepEqual(page, want, shown);
  }
});
