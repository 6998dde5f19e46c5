//! The six Segment call types and their names on the wire and in the warehouse.

/// A Segment call type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `track`
    Track,
    /// `page`
    Page,
    /// `screen`
    Screen,
    /// `identify`
    Identify,
    /// `group`
    Group,
    /// `alias`
    Alias,
}

/// (kind, `type` value, one-letter path, long path, warehouse table) — the single table of names.
pub const KINDS: [(Kind, &str, &str, &str, &str); 6] = [
    (Kind::Track, "track", "t", "track", "tracks"),
    (Kind::Page, "page", "p", "page", "pages"),
    (Kind::Screen, "screen", "s", "screen", "screens"),
    (Kind::Identify, "identify", "i", "identify", "identifies"),
    (Kind::Group, "group", "g", "group", "groups"),
    (Kind::Alias, "alias", "a", "alias", "aliases"),
];

impl Kind {
    /// The `type` field value, e.g. `"track"`.
    pub fn name(self) -> &'static str {
        KINDS.iter().find(|k| k.0 == self).map(|k| k.1).unwrap_or("track")
    }

    /// The warehouse table holding this type, e.g. `"identifies"`.
    pub fn table(self) -> &'static str {
        KINDS.iter().find(|k| k.0 == self).map(|k| k.4).unwrap_or("tracks")
    }

    /// The kind named by a `type` field value.
    pub fn from_name(name: &str) -> Option<Kind> {
        KINDS.iter().find(|k| k.1 == name).map(|k| k.0)
    }

    /// The kind served by a path segment after `/v1/` (`t` or `track`, ...).
    pub fn from_path(segment: &str) -> Option<Kind> {
        KINDS.iter().find(|k| k.2 == segment || k.3 == segment).map(|k| k.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for (kind, name, letter, long, table) in KINDS {
            assert_eq!(Kind::from_name(name), Some(kind));
            assert_eq!(Kind::from_path(letter), Some(kind));
            assert_eq!(Kind::from_path(long), Some(kind));
            assert_eq!(kind.name(), name);
            assert_eq!(kind.table(), table);
        }
        assert_eq!(Kind::from_path("b"), None);
        assert_eq!(Kind::from_name("t"), None);
    }
}
