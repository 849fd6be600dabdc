//! The listening socket: bound by the caller before the server starts, so that a taken port
//! is an error at once, with the backlog of connections the kernel may queue before they
//! are accepted.

use std::net::{SocketAddr, TcpListener};

use socket2::{Domain, Protocol, Socket, Type};

/// The backlog when none is set: Node's.
pub const DEFAULT_BACKLOG: u32 = 511;

/// The largest backlog a setting may ask for (the kernel caps it at its own limit,
/// `net.core.somaxconn` on Linux). Generated for JavaScript too (`LISTEN_LIMITS`).
pub const MOST_BACKLOG: u32 = 65535;

/// A socket listening on `addr` with room for `backlog` connections not yet accepted (0: the
/// default). Address reuse is on, as for std's listeners, so that a restart can bind a port
/// whose old connections are still closing.
pub fn bind(addr: SocketAddr, backlog: u32) -> std::io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    let backlog = match backlog {
        0 => DEFAULT_BACKLOG,
        n => n.min(MOST_BACKLOG),
    };
    socket.listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
    Ok(socket.into())
}
