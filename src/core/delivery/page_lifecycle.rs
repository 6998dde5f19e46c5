//! What each page lifecycle change means for delivery: which drive mode, whether the tab lease is
//! released or renewed, and the online state. The shell (`src/browser/lifecycle.rs` listens,
//! `runtime.rs` executes) only turns browser events into [`PageEvent`]s and carries out the
//! [`Reaction`]. Plain data; must not import anything platform-specific, `core::identity` or `core::event`.

/// A lifecycle change, as the browser reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageEvent {
    /// `visibilitychange` to hidden: the last reliable moment on mobile.
    Hidden,
    /// `visibilitychange` to visible.
    Visible,
    /// `pagehide` (navigation, reload, close, or entering the back-forward cache if `persisted`).
    PageHide {
        /// True when the page may come back from the back-forward cache.
        persisted: bool,
    },
    /// `pageshow`; `persisted` means it came back from the back-forward cache.
    PageShow {
        /// True on a back-forward cache restore.
        persisted: bool,
    },
    /// `online`.
    Online,
    /// `offline`.
    Offline,
}

/// How to drive the outbox after a lifecycle change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drive {
    /// `Mode::Normal`.
    Normal,
    /// The outbox's page-hide mode (`Outbox::page_hide_mode`: what fits in the keepalive budget, now).
    PageHide,
}

/// What the shell does for one [`PageEvent`], in this order: release the lease, set the online
/// state, beat, drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reaction {
    /// Free this tab's liveness lease (`TabLeases::release`): the next page adopts its queue at once.
    pub release_lease: bool,
    /// Tell the outbox the browser is on- or offline.
    pub online: Option<bool>,
    /// Renew the lease and look for orphans (`TabLeases::heartbeat`): timers of hidden pages are
    /// throttled and a page restored from the back-forward cache has been away.
    pub beat: bool,
    /// Drive the outbox.
    pub drive: Option<Drive>,
}

const NOTHING: Reaction = Reaction { release_lease: false, online: None, beat: false, drive: None };

/// The delivery reaction to `event`.
pub fn reaction(event: PageEvent) -> Reaction {
    match event {
        PageEvent::Hidden => Reaction { drive: Some(Drive::PageHide), ..NOTHING },
        PageEvent::PageHide { .. } => Reaction { release_lease: true, drive: Some(Drive::PageHide), ..NOTHING },
        PageEvent::PageShow { .. } | PageEvent::Visible => Reaction { beat: true, ..NOTHING },
        PageEvent::Online => Reaction { online: Some(true), drive: Some(Drive::Normal), ..NOTHING },
        PageEvent::Offline => Reaction { online: Some(false), drive: Some(Drive::Normal), ..NOTHING },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reactions_table() {
        let (hide, normal) = (Some(Drive::PageHide), Some(Drive::Normal));
        // (event, release_lease, online, beat, drive)
        let rows = [
            (PageEvent::Hidden, false, None, false, hide),
            (PageEvent::PageHide { persisted: false }, true, None, false, hide),
            (PageEvent::PageHide { persisted: true }, true, None, false, hide),
            (PageEvent::PageShow { persisted: false }, false, None, true, None),
            (PageEvent::PageShow { persisted: true }, false, None, true, None),
            (PageEvent::Visible, false, None, true, None),
            (PageEvent::Online, false, Some(true), false, normal),
            (PageEvent::Offline, false, Some(false), false, normal),
        ];
        for (event, release_lease, online, beat, drive) in rows {
            assert_eq!(reaction(event), Reaction { release_lease, online, beat, drive }, "{event:?}");
        }
    }
}
