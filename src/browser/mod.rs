//! The browser shell: web-sys adapters for the core (stores, transport, page context, lifecycle).
