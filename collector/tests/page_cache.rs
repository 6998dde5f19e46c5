//! The page cache layer (`collector::store::page_cache`): B-tree page swaps go through it, and what
//! was written reads back intact, from the writing connection and from a fresh one. (Its point, a
//! cheaper COMMIT, shows in `scripts/bench-ingest`, not here.) One test per process: the layer is
//! installed before the process's first connection.

use collector::store::page_cache;
use rusqlite::{params, Connection};

/// A deterministic scatter of keys, so inserts land all over the indexes and split pages everywhere.
fn key(i: u64) -> String {
    format!("{:016x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17))
}

#[test]
fn page_swaps_go_through_the_layer_and_the_database_stays_intact() {
    assert!(page_cache::install(), "installed before the first connection of the process");
    let dir = std::env::temp_dir().join(format!("page-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.sqlite");
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "cache_size", -65536).unwrap();
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, v TEXT NOT NULL); CREATE INDEX t_v ON t(v);").unwrap();
    let (rounds, per_round) = (300u64, 40u64);
    for round in 0..rounds {
        let tx = conn.transaction().unwrap();
        for j in 0..per_round {
            let i = round * per_round + j;
            tx.execute("INSERT INTO t (k, v) VALUES (?1, ?2)", params![key(i), format!("{}-{}", key(i + 7), "x".repeat((i % 200) as usize))]).unwrap();
        }
        if round % 10 == 9 {
            // Deletes too: pages merge and rebalance.
            tx.execute("DELETE FROM t WHERE id % 97 = ?1", params![round % 97]).unwrap();
        }
        tx.commit().unwrap();
    }
    assert!(page_cache::swaps_moved() > 0, "the inserts swapped pages through the layer");

    let check = |conn: &Connection| {
        let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(integrity, "ok");
        let mut present = 0u64;
        for i in 0..rounds * per_round {
            let found: Option<i64> = conn.query_row("SELECT id FROM t WHERE k = ?1", params![key(i)], |r| r.get(0)).ok();
            let by_v: i64 = conn.query_row("SELECT COUNT(*) FROM t WHERE v = ?1", params![format!("{}-{}", key(i + 7), "x".repeat((i % 200) as usize))], |r| r.get(0)).unwrap();
            assert_eq!(found.is_some() as i64, by_v, "row {i}: the table and both indexes agree");
            present += found.is_some() as u64;
        }
        let count: i64 = conn.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(count as u64, present);
        present
    };
    let present = check(&conn);
    assert!(present > rounds * per_round / 2);
    drop(conn);
    let fresh = Connection::open(&path).unwrap();
    assert_eq!(check(&fresh), present);
    drop(fresh);
    let _ = std::fs::remove_dir_all(&dir);
}
