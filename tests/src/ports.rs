//! Ports for the processes the tests start (members, NATS, chromedriver), which bind them a moment
//! after the test chose them.

use std::net::TcpListener;

/// A local port free at the moment, below the kernel's range of ephemeral ports: a port the kernel
/// hands out could be taken, before its process binds it, as the local end of one of the many
/// connections the tests open (seen as "Address already in use").
pub fn free_port() -> u16 {
    if let Some(start) = ephemeral_ports_start().filter(|start| *start > 2048) {
        for _ in 0..100 {
            let port = rand::random_range(start / 2..start);
            if TcpListener::bind(("127.0.0.1", port)).is_ok() {
                return port;
            }
        }
    }
    TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("address").port()
}

/// Where the kernel's ephemeral ports begin (Linux), if it says.
fn ephemeral_ports_start() -> Option<u16> {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
    range.split_whitespace().next()?.parse().ok()
}
