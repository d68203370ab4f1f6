//! `cargo bench -p fastnetstat-core`: the parsers on synthetic tables of
//! 1,000,000 lines (and 51,000, a busy server's), and the
//! live /proc reads and fd walk. Plain std timing, no harness.
//! `FASTNETSTAT_BENCH_LINES=N` sets the large size.

use std::hint::black_box;
use std::time::{Duration, Instant};

use fastnetstat_core::{inet, owners, unix, InetTable, ProcRoot};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let large =
        std::env::var("FASTNETSTAT_BENCH_LINES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    for lines in [51_000, large] {
        parsers(lines);
    }
    live();
}

fn parsers(lines: usize) {
    let mut tcp = String::from(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n",
    );
    let mut tcp6 = String::from("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
    let mut unix_text = String::from("Num       RefCount Protocol Flags    Type St Inode Path\n");
    for i in 0..lines {
        let (lp, rp) = (1024 + i % 60000, 5001 + i % 7);
        tcp.push_str(&format!(
            "{i:4}: 0100007F:{lp:04X} 0100007F:{rp:04X} 01 00000000:00000000 00:00000000 00000000  1000        0 {} 1 000000009870c715 20 4 30 10 -1                     \n",
            100000 + i
        ));
        tcp6.push_str(&format!(
            "{i:4}: 0000000000000000FFFF00000100007F:{lp:04X} 00000000000000000000000001000000:{rp:04X} 01 00000000:00000000 00:00000000 00000000  1000        0 {} 1 000000009870c715 20 4 30 10 -1\n",
            100000 + i
        ));
        unix_text.push_str(&format!(
            "000000007daf45bf: 00000003 00000000 00000000 0001 03 {} /run/some/service-{i}.sock\n",
            100000 + i
        ));
    }
    let mut rows = Vec::with_capacity(lines);
    for (name, table, text) in [("tcp", InetTable::Tcp, &tcp), ("tcp6", InetTable::Tcp6, &tcp6)] {
        let t = time(21, || {
            rows.clear();
            black_box(inet::parse_table(table, black_box(text.as_bytes()), &mut rows));
        });
        assert_eq!(rows.len(), lines);
        println!(
            "parse {name}: {lines} lines in {:?} ({:.1} ns/line)",
            t,
            t.as_nanos() as f64 / lines as f64
        );
    }
    let mut urows = Vec::with_capacity(lines);
    let t = time(21, || {
        urows.clear();
        black_box(unix::parse_table(black_box(unix_text.as_bytes()), &mut urows));
    });
    println!("parse unix: {lines} lines in {:?} ({:.1} ns/line)", t, t.as_nanos() as f64 / lines as f64);
}

fn live() {
    let root = ProcRoot::default();
    let mut rows = Vec::new();
    let t = time(11, || {
        rows.clear();
        for table in InetTable::ALL {
            let _ = black_box(inet::read_table(&root, table, &mut rows));
        }
    });
    println!("live read of all 8 inet tables ({} rows): {:?}", rows.len(), t);
    let mut found = 0;
    let t = time(11, || found = black_box(owners::scan(&root, None)).owners.len());
    println!("live fd walk ({found} socket owners): {:?}", t);
}
