//! tcp_info and memory counters from netlink, on sockets this test opens: asked
//! for, every row has them (tcp: tcp_info, the congestion algorithm; every
//! protocol: skmem); not asked for, no row has any; both ways of dumping tcp
//! (per family, and tcp with tcp6 in one walk) give them.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};

use fastnetstat_core::netlink::{inet, DiagSocket};
use fastnetstat_core::{DetailsWanted, InetSocket, InetTable};

fn dump(table: InetTable, details: DetailsWanted, port: u16) -> Vec<InetSocket> {
    let mut socket = DiagSocket::open().unwrap();
    let mut rows = Vec::new();
    let filter = inet::DumpFilter { details, ..Default::default() };
    inet::dump_table(&mut socket, table, &filter, |row| {
        if row.local_port == port || row.remote_port == port {
            rows.push(row);
        }
        true
    })
    .unwrap();
    rows
}

#[test]
fn tcp_rows_carry_tcp_info_congestion_and_memory_when_asked() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    client.write_all(&[7u8; 10_000]).unwrap();
    let mut got = vec![0u8; 10_000];
    server.read_exact(&mut got).unwrap();

    let both = DetailsWanted { tcp_info: true, memory: true };
    let rows = dump(InetTable::Tcp, both, port);
    assert_eq!(rows.len(), 3, "listener, client, server: {rows:?}");
    for row in &rows {
        let d = row.details.as_deref().expect("details asked for");
        let info = d.tcp_info.as_ref().expect("tcp_info");
        assert_eq!(info.state, Some(row.state), "tcpi_state is the row's state");
        assert!(info.length >= 104, "a tcp_info of {} bytes", info.length);
        assert!(!d.congestion.expect("INET_DIAG_CONG").as_str().is_empty());
        let memory = d.memory.expect("skmem");
        assert!(memory.is_skmem() && memory.receive_buffer.unwrap() > 0 && memory.send_buffer.unwrap() > 0);
    }
    let sender = rows.iter().find(|r| r.remote_port == port).unwrap();
    let info = sender.details.as_deref().unwrap().tcp_info.clone().unwrap();
    assert_eq!(info.bytes_acked, Some(10_001), "the data and the SYN, acked");
    assert!(info.snd_mss.unwrap() > 0 && info.snd_cwnd.unwrap() > 0 && info.rtt.unwrap() > 0);
    let receiver = rows.iter().find(|r| r.local_port == port && r.state == 1).unwrap();
    assert_eq!(receiver.details.as_deref().unwrap().tcp_info.as_ref().unwrap().bytes_received, Some(10_000));

    // memory alone: no tcp_info
    for row in dump(InetTable::Tcp, DetailsWanted { tcp_info: false, memory: true }, port) {
        let d = row.details.expect("memory asked for");
        assert!(d.tcp_info.is_none() && d.congestion.is_none() && d.memory.is_some());
    }
    // nothing asked: nothing
    assert!(dump(InetTable::Tcp, DetailsWanted::default(), port).iter().all(|r| r.details.is_none()));

    // tcp and tcp6 in one walk give the same
    let mut socket = DiagSocket::open().unwrap();
    let mut walked = Vec::new();
    let filter = inet::DumpFilter { details: both, ..Default::default() };
    inet::dump_tcp_both(&mut socket, &filter, |row| {
        if row.local_port == port || row.remote_port == port {
            walked.push(row);
        }
        true
    })
    .unwrap();
    assert_eq!(walked.len(), 3);
    assert!(walked
        .iter()
        .all(|r| r.details.as_deref().is_some_and(|d| d.tcp_info.is_some() && d.memory.is_some())));
}

#[test]
fn udp_rows_carry_memory_and_no_tcp_info() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = receiver.local_addr().unwrap().port();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(&[1u8; 300], ("127.0.0.1", port)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    let rows = dump(InetTable::Udp, DetailsWanted { tcp_info: true, memory: true }, port);
    let row = rows.iter().find(|r| r.local_port == port).unwrap();
    let d = row.details.as_deref().unwrap();
    assert!(d.tcp_info.is_none() && d.congestion.is_none());
    // the datagram waits in the queue: skmem's r counts it (with its overhead)
    assert!(d.memory.unwrap().receive_queued.unwrap() >= 300);
}
