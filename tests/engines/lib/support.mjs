// The README's "Browser support" table as data: what each engine offers of the features the library leans
// on, as lib/probes.mjs observes it on http://127.0.0.1 and http://localhost. The engines test compares each
// engine with its row, so a browser upgrade that changes an answer fails until README and this file agree.
export const SUPPORT = {};
