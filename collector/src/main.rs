//! The `collector` binary: parse flags, start the server, print the address, serve forever.

use std::io::Write;

fn main() {
    let config = match collector::config::parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    // Before the first SQLite connection: the page cache layer can only be installed then.
    collector::store::page_cache::install();
    match collector::http::server::start(&config) {
        Ok(running) => {
            let mut out = std::io::stdout();
            let _ = writeln!(out, "collector listening on http://{} (db {})", running.addr, config.db.display());
            if let Some(token) = &running.generated_token {
                let _ = writeln!(out, "admin token (read API, stream, inspector): {token}");
                let _ = writeln!(out, "open http://{}/inspector/?token={token}", running.addr);
            }
            let _ = out.flush();
            running.wait();
        }
        Err(message) => {
            eprintln!("collector: {message}");
            std::process::exit(1);
        }
    }
}
