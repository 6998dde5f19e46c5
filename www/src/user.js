// analytics.user() and analytics.group(): thin handles over the core's identity state. Values
// cross as strings; traits as JSON text parsed here, so callers get plain objects.

import { toJson } from './serialize.js';

function idArgument(value) {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' ? value : undefined;
}

function parseTraits(text) {
  try { return JSON.parse(text || '{}') || {}; } catch (e) { return {}; }
}

export class User {
  constructor(core) { this.core = core; }
  id(...args) {
    if (args.length) { const id = idArgument(args[0]); if (id !== undefined) this.core.setUserId(id); }
    return this.core.userId() ?? null;
  }
  anonymousId(...args) {
    if (args.length) {
      const id = idArgument(args[0]);
      if (id !== undefined) return this.core.setAnonymousId(id) ?? null;
    }
    return this.core.anonymousId();
  }
  traits(...args) {
    if (args.length) this.core.setUserTraits(args[0] && typeof args[0] === 'object' ? toJson(args[0]) : null);
    return parseTraits(this.core.userTraits());
  }
}

export class Group {
  constructor(core) { this.core = core; }
  id(...args) {
    if (args.length) { const id = idArgument(args[0]); if (id !== undefined) this.core.setGroupId(id); }
    return this.core.groupId() ?? null;
  }
  anonymousId() { return undefined; }
  traits(...args) {
    if (args.length) this.core.setGroupTraits(args[0] && typeof args[0] === 'object' ? toJson(args[0]) : null);
    return parseTraits(this.core.groupTraits());
  }
}
