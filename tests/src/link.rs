//! The network between a browser and the server, as a TCP relay the test controls: up, down
//! (every connection dropped and refused), or losing responses (requests reach the server, answers
//! never come back — the hardest case for "applied exactly once").

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The state of the link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Everything goes through.
    Up,
    /// Nothing goes through: open connections are dropped, new ones closed at once.
    Down,
    /// Requests reach the server; its answers are dropped and the connection closed.
    LoseResponses,
    /// Everything goes through, each answer held back this long first.
    Slow(Duration),
}

/// A relay from a local port to the server.
pub struct NetworkLink {
    /// `http://127.0.0.1:PORT`: the address the browser uses.
    pub address: String,
    state: watch::Sender<LinkState>,
    task: JoinHandle<()>,
}

impl NetworkLink {
    /// A link to the server at `upstream` (`http://127.0.0.1:PORT`), up.
    pub async fn to(upstream: &str) -> Self {
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("relay port");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let (state, watcher) = watch::channel(LinkState::Up);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if *watcher.borrow() == LinkState::Down {
                    drop(client);
                    continue;
                }
                tokio::spawn(relay(client, upstream.clone(), watcher.clone()));
            }
        });
        Self { address, state, task }
    }

    /// Changes the link's state.
    pub fn set(&self, state: LinkState) {
        self.state.send_replace(state);
    }
}

impl Drop for NetworkLink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(client: TcpStream, upstream: String, mut watcher: watch::Receiver<LinkState>) {
    let Ok(Ok(server)) = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(&upstream)).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let mut upward = vec![0_u8; 16 * 1024];
    let mut downward = vec![0_u8; 16 * 1024];
    loop {
        tokio::select! {
            changed = watcher.changed() => {
                if changed.is_err() || *watcher.borrow() == LinkState::Down {
                    return;
                }
            }
            read = client_read.read(&mut upward) => {
                let Ok(n @ 1..) = read else { return };
                if server_write.write_all(&upward[..n]).await.is_err() {
                    return;
                }
            }
            read = server_read.read(&mut downward) => {
                let Ok(n @ 1..) = read else { return };
                let state = *watcher.borrow();
                match state {
                    LinkState::Up => {}
                    LinkState::Slow(delay) => tokio::time::sleep(delay).await,
                    LinkState::Down | LinkState::LoseResponses => return,
                }
                if client_write.write_all(&downward[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}
