// analytics.user() and analytics.group(): thin handles over the core's identity state. Values
// cross as strings; traits as JSON text parsed here, so callers get plain objects. The core reads and
// writes them by field number (`core.identity_(field)`, `core.setIdentity_(field, value)`; the numbers
// are `field` in src/js_contract.rs, and tests/js_contract.rs checks these match).

import { toJson } from './serialize.js';

function idArgument(value) {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' ? value : undefined;
}

const ANONYMOUS_ID = 0;
const USER_ID = 1;
const USER_TRAITS = 2;
const GROUP_ID = 3;
const GROUP_TRAITS = 4;

function parseTraits(text) {
  try { return JSON.parse(text || '{}') || {}; } catch (e) { return {}; }
}

export class User {
  constructor(core) { this.core_ = core; }
  id(...args) {
    if (args.length) { const id = idArgument(args[0]); if (id !== undefined) this.core_.setIdentity_(USER_ID, id); }
    return this.core_.identity_(USER_ID) ?? null;
  }
  anonymousId(...args) {
    if (args.length) {
      const id = idArgument(args[0]);
      if (id !== undefined) return this.core_.setIdentity_(ANONYMOUS_ID, id) ?? null;
    }
    return this.core_.identity_(ANONYMOUS_ID) ?? null;
  }
  traits(...args) {
    if (args.length) this.core_.setIdentity_(USER_TRAITS, args[0] && typeof args[0] === 'object' ? toJson(args[0]) : null);
    return parseTraits(this.core_.identity_(USER_TRAITS));
  }
}

export class Group {
  constructor(core) { this.core_ = core; }
  id(...args) {
    if (args.length) { const id = idArgument(args[0]); if (id !== undefined) this.core_.setIdentity_(GROUP_ID, id); }
    return this.core_.identity_(GROUP_ID) ?? null;
  }
  anonymousId() { return undefined; }
  traits(...args) {
    if (args.length) this.core_.setIdentity_(GROUP_TRAITS, args[0] && typeof args[0] === 'object' ? toJson(args[0]) : null);
    return parseTraits(this.core_.identity_(GROUP_TRAITS));
  }
}
